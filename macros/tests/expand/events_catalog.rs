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
    impl _hookwire::Events for ShopEvent
    where
        OrderCreated: _hookwire::Event,
        events::OrderShipped: _hookwire::Event,
    {
        const TYPES: &'static [&'static str] = &[
            <OrderCreated as _hookwire::Event>::TYPE,
            <events::OrderShipped as _hookwire::Event>::TYPE,
        ];
        fn event_type(&self) -> &'static str {
            match *self {
                Self::OrderCreated(ref data) => _hookwire::__private::type_of(data),
                Self::OrderShipped(ref data) => _hookwire::__private::type_of(data),
            }
        }
        fn serialize_data<__S: _hookwire::__private::Serializer>(
            &self,
            serializer: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            match *self {
                Self::OrderCreated(ref data) => {
                    _hookwire::__private::serialize_data(data, serializer)
                }
                Self::OrderShipped(ref data) => {
                    _hookwire::__private::serialize_data(data, serializer)
                }
            }
        }
        fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
            event_type: &str,
            data: __D,
        ) -> ::core::option::Option<::core::result::Result<Self, __D::Error>> {
            ::core::option::Option::Some(
                match _hookwire::__private::position(Self::TYPES, event_type)? {
                    0usize => {
                        _hookwire::__private::from_data::<OrderCreated, __D>(data)
                            .map(Self::OrderCreated)
                    }
                    1usize => {
                        _hookwire::__private::from_data::<
                            events::OrderShipped,
                            __D,
                        >(data)
                            .map(Self::OrderShipped)
                    }
                    _ => return ::core::option::Option::None,
                },
            )
        }
        fn visit<__V: _hookwire::EventVisitor>(visitor: &mut __V) {
            visitor.visit::<OrderCreated>();
            visitor.visit::<events::OrderShipped>();
        }
    }
    const _: () = match _hookwire::__private::first_duplicate::<
        2usize,
    >(<ShopEvent as _hookwire::Events>::TYPES) {
        1usize => _hookwire::__private::duplicate_event_type(),
        _ => {}
    };
};
