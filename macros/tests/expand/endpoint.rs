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
    impl _hookwire::endpoint::Endpoint for CreateOrder {
        type Response = ApiResponse<Order>;
        const METHOD: _hookwire::__private::http::Method = _hookwire::__private::http::Method::POST;
        const PATH: &'static str = "/shops/{shop_id}/orders";
        const OPERATION_ID: &'static str = "createOrder";
        const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some(
            "Places an order.",
        );
        fn write_request(
            &self,
            request: &mut _hookwire::endpoint::Outgoing,
        ) -> ::core::result::Result<(), _hookwire::endpoint::ParamError> {
            request.path("shop_id", &self.shop_id)?;
            request.query("dry-run", &self.dry_run)?;
            request.header("Idempotency-Key", &self.key)?;
            request.body(&self.order)?;
            ::core::result::Result::Ok(())
        }
        fn read_request(
            request: &_hookwire::endpoint::Incoming<'_>,
        ) -> ::core::result::Result<Self, _hookwire::endpoint::ParamError> {
            ::core::result::Result::Ok(Self {
                shop_id: request.path("shop_id")?,
                dry_run: request.query("dry-run")?,
                key: request.header("Idempotency-Key")?,
                order: request.body()?,
            })
        }
        fn describe<__D: _hookwire::endpoint::DescribeEndpoint>(describe: &mut __D) {
            describe
                .param::<
                    u64,
                >(
                    _hookwire::endpoint::ParamInfo::new(
                        _hookwire::endpoint::Location::Path,
                        "shop_id",
                        true,
                        ::core::option::Option::Some("The shop."),
                    ),
                );
            describe
                .param::<
                    bool,
                >(
                    _hookwire::endpoint::ParamInfo::new(
                        _hookwire::endpoint::Location::Query,
                        "dry-run",
                        false,
                        ::core::option::Option::None,
                    ),
                );
            describe
                .param::<
                    String,
                >(
                    _hookwire::endpoint::ParamInfo::new(
                        _hookwire::endpoint::Location::Header,
                        "Idempotency-Key",
                        true,
                        ::core::option::Option::None,
                    ),
                );
            describe.body::<NewOrder>(::core::option::Option::None);
        }
    }
};
