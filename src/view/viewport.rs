//! The one place that converts between value space (the flame graph's horizontal axis, in the
//! value type's units) and CSS pixels, with zoom and pan clamped to the profile. Pure numbers.

/// The horizontal window onto value space shown across a canvas `width_css` pixels wide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Value at the left edge.
    pub start: f64,
    /// Value at the right edge (always greater than `start`).
    pub end: f64,
    pub width_css: f64,
}

/// The narrowest window a zoom may reach, in value units: one unit (a single sample or
/// nanosecond) across the whole canvas.
const MIN_SPAN: f64 = 1.0;

impl Viewport {
    pub fn new(start: f64, end: f64, width_css: f64) -> Viewport {
        Viewport {
            start,
            end: end.max(start + MIN_SPAN),
            width_css: width_css.max(1.0),
        }
    }

    /// CSS x of value `value_x`.
    pub fn css_x(&self, value_x: f64) -> f64 {
        (value_x - self.start) / (self.end - self.start) * self.width_css
    }

    /// Value at CSS x `css_x`.
    pub fn value_x(&self, css_x: f64) -> f64 {
        self.start + css_x / self.width_css * (self.end - self.start)
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the value under `css_x` where it is, then
    /// clamps to `0..total`.
    pub fn zoom_around(&self, css_x: f64, factor: f64, total: f64) -> Viewport {
        let anchor = self.value_x(css_x);
        let span = ((self.end - self.start) / factor).clamp(MIN_SPAN, total.max(MIN_SPAN));
        let start = anchor - (anchor - self.start) / (self.end - self.start) * span;
        Viewport::new(start, start + span, self.width_css).clamped(total)
    }

    /// Moves the window by `css_dx` pixels (positive: content moves right), clamped.
    pub fn pan(&self, css_dx: f64, total: f64) -> Viewport {
        let dv = css_dx / self.width_css * (self.end - self.start);
        Viewport::new(self.start - dv, self.end - dv, self.width_css).clamped(total)
    }

    /// The same window shifted (not resized) to lie within `0..total`.
    pub fn clamped(&self, total: f64) -> Viewport {
        let span = (self.end - self.start).min(total.max(MIN_SPAN));
        let start = self.start.clamp(0.0, (total - span).max(0.0));
        Viewport {
            start,
            end: start + span,
            width_css: self.width_css,
        }
    }
}

/// A window of the whole width (fractions) moved so the point `grab` of it (a fraction of its
/// width from its left edge) is at `pointer` (a fraction of the whole width), its width kept
/// and inside the whole: what dragging the minimap's window asks for.
pub fn dragged_window(pointer: f64, grab: f64, window: (f64, f64)) -> (f64, f64) {
    let width = (window.1 - window.0).clamp(0.0, 1.0);
    let left = (pointer - grab * width).clamp(0.0, 1.0 - width);
    (left, left + width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        let v = Viewport::new(100.0, 300.0, 1000.0);
        assert_eq!(v.css_x(200.0), 500.0);
        assert_eq!(v.value_x(500.0), 200.0);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let v = Viewport::new(0.0, 1000.0, 100.0);
        let z = v.zoom_around(25.0, 2.0, 1000.0);
        assert_eq!((z.start, z.end), (125.0, 625.0));
        assert!((z.value_x(25.0) - v.value_x(25.0)).abs() < 1e-9);
        let out = z.zoom_around(50.0, 0.01, 1000.0);
        assert_eq!(
            (out.start, out.end),
            (0.0, 1000.0),
            "cannot zoom out past the profile"
        );
        let deep = v.zoom_around(50.0, 1e9, 1000.0);
        assert_eq!(deep.end - deep.start, 1.0);
    }

    #[test]
    fn pan_is_clamped() {
        let v = Viewport::new(0.0, 500.0, 100.0);
        assert_eq!(v.pan(10.0, 1000.0).start, 0.0);
        assert_eq!(v.pan(-10.0, 1000.0).start, 50.0);
        assert_eq!(v.pan(-1000.0, 1000.0).start, 500.0);
    }

    #[test]
    fn a_dragged_window_keeps_its_width_inside_the_whole() {
        let w = (0.25, 0.5);
        // Grabbed at its middle and moved to the middle.
        let (a, b) = dragged_window(0.5, 0.5, w);
        assert!((a - 0.375).abs() < 1e-9 && (b - 0.625).abs() < 1e-9);
        // Not past either edge.
        assert_eq!(dragged_window(-0.2, 0.5, w), (0.0, 0.25));
        assert_eq!(dragged_window(2.0, 0.5, w), (0.75, 1.0));
    }
}
