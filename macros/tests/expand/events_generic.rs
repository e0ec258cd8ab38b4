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
    impl<T> _hookwire::Events for Paged<T>
    where
        T: Clone,
        Page<T>: _hookwire::Event,
    {
        const TYPES: &'static [&'static str] = &[<Page<T> as _hookwire::Event>::TYPE];
        fn event_type(&self) -> &'static str {
            match *self {
                Self::Page(_) => <Page<T> as _hookwire::Event>::TYPE,
            }
        }
        fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
            index: usize,
            data: __D,
        ) -> ::core::result::Result<Self, __D::Error> {
            match index {
                0usize => {
                    _hookwire::__private::from_data::<Page<T>, __D>(data).map(Self::Page)
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
    impl<T> _hookwire::SendEvents for Paged<T>
    where
        T: Clone,
        for<'__hookwire> Self: _hookwire::Events,
        for<'__hookwire> Page<T>: _hookwire::__private::Serialize,
    {
        fn serialize_data<__S: _hookwire::__private::Serializer>(
            &self,
            serializer: __S,
        ) -> ::core::result::Result<__S::Ok, __S::Error> {
            match *self {
                Self::Page(ref data) => {
                    _hookwire::__private::serialize_data(data, serializer)
                }
            }
        }
    }
    _hookwire::__private::if_schema! {
        #[automatically_derived] impl < T > _hookwire::DescribeEvents for Paged < T >
        where T : Clone, for < '__hookwire > Self : _hookwire::Events, for < '__hookwire
        > (_hookwire::__private::Leaf < Page < T > >,) :
        _hookwire::__private::DescribeAll, { fn visit < __V : _hookwire::EventVisitor >
        (visitor : & mut __V) { < (_hookwire::__private::Leaf < Page < T > >,) as
        _hookwire::__private::DescribeAll > ::visit_all(visitor) } }
    }
};
