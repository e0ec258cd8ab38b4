::core::compile_error! {
    "unknown hookwire attribute `evnt`, expected one of `event`, `version`, `crate`"
}
::core::compile_error! {
    "missing event type name: add `#[hookwire(event = \"...\")]` to `OrderShipped`, e.g. `#[hookwire(event = \"order.shipped\")]`"
}
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
        const TYPE: &'static str = "";
    }
};
