//! Generating audio and pictures must never touch the heap: the crate is meant for firmware
//! without an allocator. A counting global allocator proves it for this thread.

use mediarec_alloc_counter::{CountingAllocator, allocations_on_this_thread as allocations};

use mediarec_core::Duration;
use mediarec_source_synth::{AudioSource, Beep, Noise, Pattern, Sweep, Tone};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn generating_does_not_allocate() {
    let mut block = [0.0f32; 1024];
    let mut picture = [0u8; 64 * 48 * 4];
    let before = allocations();
    let mut tone = Tone::new(440.0, 48_000, 2).with_amplitude(0.3);
    let mut noise = Noise::new(9, 48_000, 2);
    let mut sweep = Sweep::new(20.0, 20_000.0, Duration::from_secs(1), 48_000, 2);
    let mut beep = Beep::new(1_000.0, 48_000, 2);
    let mut pattern = Pattern::new(64, 48, 30);
    let mut samples = 0usize;
    for _ in 0..100 {
        assert!(pattern.fill_i420(&mut picture).is_ok());
        assert!(pattern.frame_rgba(&mut picture).is_ok());
        let sources: [&mut dyn AudioSource; 4] = [&mut tone, &mut noise, &mut sweep, &mut beep];
        for s in sources {
            s.fill(&mut block);
            samples += s.fill_frame(&mut block).samples.len();
        }
    }
    assert_eq!(allocations(), before);
    assert_eq!(samples, 400 * 1024);
    assert_eq!(pattern.frames_drawn(), 200);
    // The counter works: an allocation is seen.
    let v = std::hint::black_box(vec![0u8; 16]);
    assert_eq!(allocations(), before + 1);
    drop(v);
}
