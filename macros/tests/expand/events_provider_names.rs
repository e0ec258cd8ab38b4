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
    impl _hookwire::Events for Shopify
    where
        OrderCreate: _hookwire::Event,
        AppUninstalled: _hookwire::Event,
    {
        const TYPES: &'static [&'static str] = &[
            <OrderCreate as _hookwire::Event>::TYPE,
            <AppUninstalled as _hookwire::Event>::TYPE,
        ];
        fn event_type(&self) -> &'static str {
            match *self {
                Self::OrderCreate(_) => <OrderCreate as _hookwire::Event>::TYPE,
                Self::AppUninstalled(_) => <AppUninstalled as _hookwire::Event>::TYPE,
            }
        }
        fn index_of(event_type: &str) -> ::core::option::Option<usize> {
            _hookwire::__private::lookup(&__SORTED_TYPES, Self::TYPES, event_type)
        }
        fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
            index: usize,
            data: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            match index {
                0usize => {
                    _hookwire::__private::from_data::<OrderCreate, __D>(data)
                        .map(Self::OrderCreate)
                }
                1usize => {
                    _hookwire::__private::from_data::<AppUninstalled, __D>(data)
                        .map(Self::AppUninstalled)
                }
                _ => {
                    ::core::result::Result::Err(
                        _hookwire::__private::no_such_event(index),
                    )
                }
            }
        }
    }
    #[automatically_derived]
    impl _hookwire::SendEvents for Shopify
    where
        for<'__hookwire> Self: _hookwire::Events,
        for<'__hookwire> OrderCreate: _hookwire::__private::Serialize,
        for<'__hookwire> AppUninstalled: _hookwire::__private::Serialize,
    {
        fn serialize_data<__S: _hookwire::__private::Serializer>(
            &self,
            serializer: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            match *self {
                Self::OrderCreate(ref data) => {
                    _hookwire::__private::serialize_data(data, serializer)
                }
                Self::AppUninstalled(ref data) => {
                    _hookwire::__private::serialize_data(data, serializer)
                }
            }
        }
    }
    _hookwire::__private::if_schema! {
        #[automatically_derived] impl _hookwire::DescribeEvents for Shopify where for <
        '__hookwire > Self : _hookwire::Events, for < '__hookwire > OrderCreate :
        _hookwire::DescribeEvent, for < '__hookwire > AppUninstalled :
        _hookwire::DescribeEvent, { fn visit < __V : _hookwire::EventVisitor > (visitor :
        & mut __V) { visitor.visit:: < OrderCreate > (); visitor.visit:: < AppUninstalled
        > (); } }
    }
    const __SORTED_TYPES: [(u64, usize); 2usize] = _hookwire::__private::sorted_types::<
        2usize,
    >(<Shopify as _hookwire::Events>::TYPES);
    const _: () = match _hookwire::__private::first_duplicate(
        &__SORTED_TYPES,
        <Shopify as _hookwire::Events>::TYPES,
    ) {
        1usize => _hookwire::__private::duplicate_event_type(),
        _ => {}
    };
};
