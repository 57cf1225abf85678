//! Screenshots from Xvfb's screen file (`-fbdir`): an XWD image the server
//! keeps current. WebKitWebDriver's own screenshot waits for the page's next
//! composited frame and, with accelerated compositing off (as the product
//! runs, `src-tauri/src/webkit.rs`), sometimes never answers; the X screen
//! is what a person sees either way.

use std::path::Path;

/// The XWD file at `xwd` (32 bits a pixel, as Xvfb's 24-bit screens are
/// stored) as PNG bytes.
pub fn png_of_xwd(xwd: &Path) -> anyhow::Result<Vec<u8>> {
    let data = std::fs::read(xwd)?;
    anyhow::ensure!(data.len() >= 100, "XWD header is short");
    let field = |i: usize| u32::from_be_bytes(data[i * 4..i * 4 + 4].try_into().unwrap());
    let (header_size, width, height) = (field(0) as usize, field(4) as usize, field(5) as usize);
    let (byte_order, bits_per_pixel, bytes_per_line) = (field(7), field(11), field(12) as usize);
    let (red, green, blue) = (field(14), field(15), field(16));
    let colors = field(19) as usize;
    anyhow::ensure!(
        bits_per_pixel == 32,
        "XWD with {bits_per_pixel} bits a pixel"
    );
    let start = header_size + colors * 12;
    anyhow::ensure!(
        data.len() >= start + bytes_per_line * height,
        "XWD pixel data is short"
    );
    let channel = |pixel: u32, mask: u32| ((pixel & mask) >> mask.trailing_zeros()) as u8;
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        let row = &data[start + y * bytes_per_line..][..width * 4];
        for px in row.chunks_exact(4) {
            let bytes: [u8; 4] = px.try_into().unwrap();
            // byte_order 0: least significant byte first.
            let pixel = if byte_order == 0 {
                u32::from_le_bytes(bytes)
            } else {
                u32::from_be_bytes(bytes)
            };
            rgb.extend([
                channel(pixel, red),
                channel(pixel, green),
                channel(pixel, blue),
            ]);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgb)?;
    Ok(out)
}
