::core::compile_error! {
    "each variant of an `Events` enum holds exactly one event, as in `Shipped(MyEvent)`"
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
    impl _hookwire::Events for ShopEvent {
        const TYPES: &'static [&'static str] = &[];
        fn event_type(&self) -> &'static str {
            ::core::unreachable!()
        }
        fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
            index: usize,
            _: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            ::core::result::Result::Err(_hookwire::__private::no_such_event(index))
        }
    }
    #[automatically_derived]
    impl _hookwire::SendEvents for ShopEvent {
        fn serialize_data<__S: _hookwire::__private::Serializer>(
            &self,
            _: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            ::core::unreachable!()
        }
    }
    #[automatically_derived]
    impl _hookwire::DescribeEvents for ShopEvent {
        fn visit<__V: _hookwire::EventVisitor>(_: &mut __V) {}
    }
};
