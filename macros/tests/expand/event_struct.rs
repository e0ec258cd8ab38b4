#[automatically_derived]
#[allow(deprecated)]
impl ::hookwire::Event for OrderShipped {
    const TYPE: &'static str = "order.shipped";
    const VERSION: ::core::option::Option<&'static str> = ::core::option::Option::Some(
        "2",
    );
    const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some(
        "An order left the warehouse.",
    );
    const DEPRECATED: bool = true;
}
