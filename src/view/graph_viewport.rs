//! The part of a call graph's drawing in view, as an SVG viewBox: the whole drawing fitted to
//! the screen, zoomed around a point, moved by a drag. Plain geometry; depends on nothing else
//! in the crate.

/// A rectangle of the drawing, in its own units, shown on the whole screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Screen pixels per drawing unit: at most this far in, and out.
pub const MAX_SCALE: f64 = 8.0;
pub const MIN_SCALE: f64 = 0.01;
/// A scale at which pprof's smallest labels (8 units) can still be read.
const READABLE_SCALE: f64 = 0.75;
/// The least scale of a first view across the drawing's whole width: its larger labels can
/// be read.
const OVERVIEW_SCALE: f64 = 0.4;
/// Space kept around a fitted drawing, in screen pixels.
const MARGIN: f64 = 16.0;

impl ViewBox {
    /// The whole drawing (`width` x `height`) on a screen of `screen` CSS pixels, centred,
    /// never enlarged past 1:1 (a small graph stays at its size).
    pub fn fit(width: f64, height: f64, screen: (f64, f64)) -> ViewBox {
        let (sw, sh) = (screen.0.max(1.0), screen.1.max(1.0));
        let scale = (sw / (width + 2.0 * MARGIN))
            .min(sh / (height + 2.0 * MARGIN))
            .clamp(MIN_SCALE, 1.0);
        let (w, h) = (sw / scale, sh / scale);
        ViewBox {
            x: (width - w) / 2.0,
            y: (height - h) / 2.0,
            width: w,
            height: h,
        }
    }

    /// The first view of a drawing: the whole of it when that is readable; else its full
    /// width from the top (where the root is) when its larger labels can be read there; else,
    /// for a drawing too wide for the screen (a phone, a graph of hundreds of nodes), its top
    /// at a readable scale about `top_x` (the root's place). Never enlarged past 1:1.
    pub fn first(width: f64, height: f64, screen: (f64, f64), top_x: f64) -> ViewBox {
        let whole = ViewBox::fit(width, height, screen);
        let (sw, sh) = (screen.0.max(1.0), screen.1.max(1.0));
        let across = (sw / (width + 2.0 * MARGIN)).clamp(MIN_SCALE, 1.0);
        if whole.scale(sw) >= READABLE_SCALE {
            return whole;
        }
        let scale = if across >= OVERVIEW_SCALE {
            across
        } else {
            READABLE_SCALE
        };
        let (w, h) = (sw / scale, sh / scale);
        let margin = MARGIN / scale;
        let x = if across >= OVERVIEW_SCALE {
            (width - w) / 2.0
        } else {
            (top_x - w / 2.0).clamp(-margin, width + margin - w)
        };
        ViewBox {
            x,
            y: -margin,
            width: w,
            height: h,
        }
    }

    /// This view, shown on a screen of `from` CSS pixels, on one of `to`: the same scale
    /// about the same centre.
    pub fn resized(&self, from: (f64, f64), to: (f64, f64)) -> ViewBox {
        let scale = self.scale(from.0.max(1.0));
        let (w, h) = (to.0.max(1.0) / scale, to.1.max(1.0) / scale);
        ViewBox {
            x: self.x + (self.width - w) / 2.0,
            y: self.y + (self.height - h) / 2.0,
            width: w,
            height: h,
        }
    }

    /// Screen pixels per drawing unit on a screen `screen_width` wide.
    pub fn scale(&self, screen_width: f64) -> f64 {
        screen_width / self.width
    }

    /// Zoomed in by `factor` (under 1 zooms out) keeping the point at (`fx`, `fy`), fractions
    /// of the screen, where it is; the scale stays within [`MIN_SCALE`] and [`MAX_SCALE`].
    pub fn zoom_at(&self, factor: f64, fx: f64, fy: f64, screen_width: f64) -> ViewBox {
        let scale = (self.scale(screen_width) * factor).clamp(MIN_SCALE, MAX_SCALE);
        let width = screen_width / scale;
        let height = self.height * width / self.width;
        ViewBox {
            x: self.x + fx * (self.width - width),
            y: self.y + fy * (self.height - height),
            width,
            height,
        }
    }

    /// Moved with a drag of (`dx`, `dy`) screen pixels on a screen `screen_width` wide.
    pub fn pan(&self, dx: f64, dy: f64, screen_width: f64) -> ViewBox {
        let units = self.width / screen_width;
        ViewBox {
            x: self.x - dx * units,
            y: self.y - dy * units,
            ..*self
        }
    }

    /// The CSS transform that shows this view of a drawing laid out at 1:1 from the top left
    /// corner of a screen `screen_width` wide.
    pub fn transform(&self, screen_width: f64) -> String {
        let scale = self.scale(screen_width);
        format!(
            "translate({:.2}px,{:.2}px) scale({scale:.5})",
            -self.x * scale,
            -self.y * scale
        )
    }

    /// The view as an SVG `viewBox` attribute would write it.
    pub fn attribute(&self) -> String {
        format!(
            "{:.2} {:.2} {:.2} {:.2}",
            self.x, self.y, self.width, self.height
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_drawing_fits_and_a_small_one_keeps_its_size() {
        let large = ViewBox::fit(2000.0, 500.0, (1000.0, 800.0));
        assert!(large.x <= 0.0 && large.x + large.width >= 2000.0);
        assert!(large.y <= 0.0 && large.y + large.height >= 500.0);
        assert!((large.width / large.height - 1000.0 / 800.0).abs() < 1e-9);
        let small = ViewBox::fit(100.0, 50.0, (1000.0, 800.0));
        assert_eq!(small.scale(1000.0), 1.0);
        assert_eq!(small.x + small.width / 2.0, 50.0);
    }

    #[test]
    fn a_tall_drawing_first_shows_its_top_across_its_width() {
        let screen = (1000.0, 800.0);
        let tall = ViewBox::first(900.0, 4000.0, screen, 450.0);
        assert!(tall.scale(1000.0) > ViewBox::fit(900.0, 4000.0, screen).scale(1000.0));
        assert!(tall.x <= 0.0 && tall.x + tall.width >= 900.0);
        assert!(tall.y < 0.0 && tall.y + tall.height < 4000.0);
        assert_eq!(
            ViewBox::first(400.0, 300.0, screen, 200.0),
            ViewBox::fit(400.0, 300.0, screen)
        );
    }

    #[test]
    fn a_drawing_too_wide_for_a_phone_first_shows_its_root_readable() {
        let phone = (390.0, 700.0);
        let root_x = 1800.0;
        let wide = ViewBox::first(3000.0, 2000.0, phone, root_x);
        assert_eq!(wide.scale(390.0), READABLE_SCALE);
        assert!((wide.x + wide.width / 2.0 - root_x).abs() < 1e-9);
        assert!(wide.y < 0.0);
        // The root near an edge: the view stops at the drawing's margin.
        let left = ViewBox::first(3000.0, 2000.0, phone, 10.0);
        assert_eq!(left.x, -MARGIN / READABLE_SCALE);
    }

    #[test]
    fn a_resized_screen_keeps_the_scale_and_the_centre() {
        let v = ViewBox::fit(1000.0, 1000.0, (500.0, 400.0)).zoom_at(3.0, 0.2, 0.7, 500.0);
        let r = v.resized((500.0, 400.0), (800.0, 300.0));
        assert!((r.scale(800.0) - v.scale(500.0)).abs() < 1e-12);
        let centre = |b: &ViewBox| (b.x + b.width / 2.0, b.y + b.height / 2.0);
        let (a, b) = (centre(&v), centre(&r));
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_stops_at_the_limits() {
        let v = ViewBox::fit(1000.0, 1000.0, (500.0, 500.0));
        let (fx, fy) = (0.25, 0.75);
        let under = |b: &ViewBox| (b.x + fx * b.width, b.y + fy * b.height);
        let z = v.zoom_at(2.0, fx, fy, 500.0);
        assert!((z.scale(500.0) - 2.0 * v.scale(500.0)).abs() < 1e-9);
        let (a, b) = (under(&v), under(&z));
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9);
        assert_eq!(v.zoom_at(1e9, 0.5, 0.5, 500.0).scale(500.0), MAX_SCALE);
        assert_eq!(v.zoom_at(1e-9, 0.5, 0.5, 500.0).scale(500.0), MIN_SCALE);
    }

    #[test]
    fn a_drag_moves_the_drawing_with_the_pointer() {
        let v = ViewBox::fit(100.0, 100.0, (400.0, 400.0));
        let p = v.pan(40.0, -20.0, 400.0);
        assert_eq!((p.x, p.y), (v.x - 40.0, v.y + 20.0));
        assert_eq!(p.attribute().split(' ').count(), 4);
        assert_eq!(
            ViewBox::fit(100.0, 100.0, (100.0, 100.0)).transform(100.0),
            "translate(12.12px,12.12px) scale(0.75758)"
        );
    }
}
