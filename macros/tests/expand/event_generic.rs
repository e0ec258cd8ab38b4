#[automatically_derived]
impl<T: Clone> ::app::hookwire::Event for Page<T>
where
    Self: ::app::hookwire::__private::EventBounds,
{
    const TYPE: &'static str = "records.page";
}
