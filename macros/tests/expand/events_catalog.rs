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
                Self::OrderCreated(_) => <OrderCreated as _hookwire::Event>::TYPE,
                Self::OrderShipped(_) => <events::OrderShipped as _hookwire::Event>::TYPE,
            }
        }
        fn index_of(event_type: &str) -> ::core::option::Option<usize> {
            _hookwire::__private::lookup(&__TYPE_TABLE, Self::TYPES, event_type)
        }
        fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
            index: usize,
            data: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            match index {
                0usize => {
                    _hookwire::__private::from_data::<OrderCreated, __D>(data)
                        .map(Self::OrderCreated)
                }
                1usize => {
                    _hookwire::__private::from_data::<events::OrderShipped, __D>(data)
                        .map(Self::OrderShipped)
                }
                _ => {
                    ::core::result::Result::Err(
                        _hookwire::__private::no_such_event(index),
                    )
                }
            }
        }
    }
    type __HookwireEvents = (
        _hookwire::__private::Leaf<OrderCreated>,
        _hookwire::__private::Leaf<events::OrderShipped>,
    );
    #[automatically_derived]
    impl _hookwire::SendEvents for ShopEvent
    where
        for<'__hookwire> Self: _hookwire::Events,
        for<'__hookwire> __HookwireEvents: _hookwire::__private::SendAll,
    {
        fn serialize_data<__S: _hookwire::__private::Serializer>(
            &self,
            serializer: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            let (index, data): (usize, &dyn ::core::any::Any) = match *self {
                Self::OrderCreated(ref data) => (0usize, data),
                Self::OrderShipped(ref data) => (1usize, data),
            };
            <__HookwireEvents as _hookwire::__private::SendAll>::serialize_nth(
                index,
                data,
                serializer,
            )
        }
    }
    _hookwire::__private::if_schema! {
        #[automatically_derived] impl _hookwire::DescribeEvents for ShopEvent where for <
        '__hookwire > Self : _hookwire::Events, for < '__hookwire > __HookwireEvents :
        _hookwire::__private::DescribeAll, { fn visit < __V : _hookwire::EventVisitor >
        (visitor : & mut __V) { < __HookwireEvents as _hookwire::__private::DescribeAll >
        ::visit_all(visitor) } }
    }
    const __TYPE_TABLE: _hookwire::__private::TypeTable<4usize> = _hookwire::__private::type_table::<
        4usize,
    >(<ShopEvent as _hookwire::Events>::TYPES);
    const _: () = match __TYPE_TABLE.duplicate {
        1usize => _hookwire::__private::duplicate_event_type(),
        _ => {}
    };
};
