use hookwire::Event;

#[derive(Event)]
#[hookwire(event = "raw.bits")]
pub union Bits {
    pub int: u32,
    pub float: f32,
}

fn main() {}
