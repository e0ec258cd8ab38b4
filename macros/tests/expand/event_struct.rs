#[doc(hidden)]
#[allow(
    deprecated,
    non_upper_case_globals,
    unused_qualifications,
    clippy::absolute_paths
)]
const _: () = {
    use ::hookwire as _hookwire;
    #[automatically_derived]
    impl _hookwire::Event for OrderShipped {
        const TYPE: &'static str = "order.shipped";
        const VERSION: ::core::option::Option<&'static str> = ::core::option::Option::Some(
            "2",
        );
        const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some(
            "An order left the warehouse.",
        );
        const DEPRECATED: bool = true;
    }
};
