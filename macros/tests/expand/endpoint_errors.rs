::core::compile_error! {
    "unknown HTTP method `FETCH`, expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"
}
::core::compile_error! {
    "field `id` needs a place in the request: add `#[hookwire(path)]`, `#[hookwire(query)]`, `#[hookwire(header = \"X-Name\")]` or `#[hookwire(body)]`"
}
::core::compile_error! {
    "the path template has `{id}` but no field is marked `#[hookwire(path)]` with that name"
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
    impl _hookwire::endpoint::Endpoint for GetOrder {
        type Response = ();
        const METHOD: _hookwire::__private::http::Method = _hookwire::__private::http::Method::GET;
        const PATH: &'static str = "/";
        const OPERATION_ID: &'static str = "";
        fn write_request(
            &self,
            _: &mut _hookwire::endpoint::Outgoing,
        ) -> ::core::result::Result<(), _hookwire::endpoint::ParamError> {
            ::core::unreachable!()
        }
        fn read_request(
            _: &_hookwire::endpoint::Incoming<'_>,
        ) -> ::core::result::Result<Self, _hookwire::endpoint::ParamError> {
            ::core::unreachable!()
        }
        fn describe<__D: _hookwire::endpoint::DescribeEndpoint>(_: &mut __D) {}
    }
};
