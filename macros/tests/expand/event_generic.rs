#[doc(hidden)]
#[allow(
    deprecated,
    non_upper_case_globals,
    unused_qualifications,
    clippy::absolute_paths
)]
const _: () = {
    use ::app::hookwire as _hookwire;
    #[automatically_derived]
    impl<T: Clone> _hookwire::Event for Page<T>
    where
        Self: _hookwire::__private::EventBounds,
    {
        const TYPE: &'static str = "records.page";
    }
};
