//! A layered, top-down drawing of a directed graph, as Graphviz's `dot` draws one: cycles
//! broken by reversing back edges, nodes ranked so every edge points down, long edges cut
//! into chains of small dummies, layers ordered by barycentre sweeps (the order with the fewest
//! crossings kept), each layer placed as near its neighbours as its order allows (an exact
//! isotonic fit), and every edge routed through its dummies. Plain geometry, no DOM; built for
//! pprof's call graphs of tens to a few thousand nodes. Depends on nothing else in the crate.

/// A box to place: its size in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// Where each node and edge went.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Each node's centre, by node index.
    pub centers: Vec<(f64, f64)>,
    /// Each edge's route from its caller's bottom to its callee's top (or side, for a call
    /// back up), by edge index: at least two points, to be drawn as a smooth curve.
    pub routes: Vec<Vec<(f64, f64)>>,
    pub width: f64,
    pub height: f64,
}

/// Space between boxes of a layer, between layers, and around the drawing.
const GAP: f64 = 24.0;
const RANK_GAP: f64 = 56.0;
const MARGIN: f64 = 16.0;
/// Width of the gap a long edge's dummy keeps in a layer.
const DUMMY_WIDTH: f64 = 8.0;
/// The share of a box's width its edges' ends spread over.
const PORT_SPAN: f64 = 0.7;
/// Ordering sweeps and placement passes.
const SWEEPS: usize = 12;
const PASSES: usize = 8;

/// Lays out `sizes.len()` nodes and `edges` (caller, callee); `edges` must not repeat a pair.
pub fn layout(sizes: &[Size], edges: &[(usize, usize)]) -> Layout {
    let n = sizes.len();
    if n == 0 {
        return Layout {
            centers: Vec::new(),
            routes: vec![Vec::new(); edges.len()],
            width: 0.0,
            height: 0.0,
        };
    }
    let (down, reversed) = acyclic(n, edges);
    let rank = ranks(n, &down);
    // The graph cut into unit-length segments: real nodes, then dummies.
    let mut node_rank = rank.clone();
    let mut width: Vec<f64> = sizes.iter().map(|s| s.width).collect();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(down.len());
    for &(from, to) in &down {
        let mut chain = vec![from];
        for r in rank[from] + 1..rank[to] {
            chain.push(node_rank.len());
            node_rank.push(r);
            width.push(DUMMY_WIDTH);
        }
        chain.push(to);
        chains.push(chain);
    }
    let total = node_rank.len();
    let mut ups = vec![Vec::new(); total];
    let mut downs = vec![Vec::new(); total];
    for chain in &chains {
        for pair in chain.windows(2) {
            downs[pair[0]].push(pair[1]);
            ups[pair[1]].push(pair[0]);
        }
    }
    let ranks_count = node_rank.iter().max().map_or(0, |r| r + 1);
    let layers = order(&node_rank, ranks_count, &ups, &downs);
    let x = place(&layers, &width, &ups, &downs);

    // Heights: each layer as tall as its tallest box.
    let mut layer_height = vec![0.0f64; ranks_count];
    for (i, size) in sizes.iter().enumerate() {
        layer_height[rank[i]] = layer_height[rank[i]].max(size.height);
    }
    let mut layer_y = Vec::with_capacity(ranks_count);
    let mut y = MARGIN;
    for &h in &layer_height {
        layer_y.push(y + h / 2.0);
        y += h + RANK_GAP;
    }
    let height = y - RANK_GAP + MARGIN;
    let left = (0..total)
        .map(|i| x[i] - width[i] / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = MARGIN - left;
    let right = (0..total)
        .map(|i| x[i] + width[i] / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let centers: Vec<(f64, f64)> = (0..n).map(|i| (x[i] + shift, layer_y[rank[i]])).collect();
    let half = |i: usize| sizes[i].height / 2.0;
    // Ports: the edges leaving a box's bottom, and those entering its top, spread along its
    // middle in the order of where they go or come from, so arrows do not meet in one point.
    let mut leaving: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut entering: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (c, chain) in chains.iter().enumerate() {
        let (first, last) = (chain[0], chain[chain.len() - 1]);
        leaving[first].push((x[chain[1]], c));
        entering[last].push((x[chain[chain.len() - 2]], c));
    }
    let ports = |lists: &mut [Vec<(f64, usize)>]| {
        let mut port = vec![0.0; chains.len()];
        for (node, list) in lists.iter_mut().enumerate() {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let span = sizes[node].width * PORT_SPAN;
            for (k, &(_, c)) in list.iter().enumerate() {
                let at = (k as f64 + 0.5) / list.len() as f64 - 0.5;
                port[c] = centers[node].0 + span * at;
            }
        }
        port
    };
    let (start, end) = (ports(&mut leaving), ports(&mut entering));
    let routes = chains
        .iter()
        .zip(&reversed)
        .enumerate()
        .map(|(c, (chain, &back))| {
            let (first, last) = (chain[0], chain[chain.len() - 1]);
            let mut route = vec![(start[c], centers[first].1 + half(first))];
            route.extend(
                chain[1..chain.len() - 1]
                    .iter()
                    .map(|&d| (x[d] + shift, layer_y[node_rank[d]])),
            );
            route.push((end[c], centers[last].1 - half(last)));
            if back {
                route.reverse();
            }
            route
        })
        .collect();
    Layout {
        centers,
        routes,
        width: right - left + 2.0 * MARGIN,
        height,
    }
}

/// The edges with back edges (found by a depth-first search from the nodes without callers,
/// in index order) turned to point down, and which were turned.
fn acyclic(n: usize, edges: &[(usize, usize)]) -> (Vec<(usize, usize)>, Vec<bool>) {
    let mut out = vec![Vec::new(); n];
    let mut has_in = vec![false; n];
    for (e, &(from, to)) in edges.iter().enumerate() {
        out[from].push((to, e));
        has_in[to] = true;
    }
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    let mut back = vec![false; edges.len()];
    let starts = (0..n).filter(|&i| !has_in[i]).chain(0..n);
    for start in starts {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(to, e)) = out[node].get(*next) {
                *next += 1;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    let down = edges
        .iter()
        .zip(&back)
        .map(|(&(from, to), &b)| if b { (to, from) } else { (from, to) })
        .collect();
    (down, back)
}

/// Each node's layer: one below its lowest caller (longest path from the top), then nodes
/// without callers pulled down to just above their highest callee.
fn ranks(n: usize, down: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out = vec![Vec::new(); n];
    for &(from, to) in down {
        if from != to {
            out[from].push(to);
            indegree[to] += 1;
        }
    }
    let mut topo: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut rank = vec![0usize; n];
    let mut i = 0;
    while i < topo.len() {
        let node = topo[i];
        i += 1;
        for &to in &out[node] {
            rank[to] = rank[to].max(rank[node] + 1);
            indegree[to] -= 1;
            if indegree[to] == 0 {
                topo.push(to);
            }
        }
    }
    let mut has_in = vec![false; n];
    for &(from, to) in down {
        has_in[to] |= from != to;
    }
    let sources: Vec<usize> = topo.iter().copied().filter(|&v| !has_in[v]).collect();
    for v in sources.into_iter().rev() {
        if let Some(lowest) = out[v].iter().map(|&to| rank[to]).min() {
            rank[v] = rank[v].max(lowest.saturating_sub(1));
        }
    }
    rank
}

/// The nodes of each layer, left to right: first as met breadth-first from the top, then
/// barycentre sweeps down and up, keeping the order with the fewest crossings.
fn order(
    node_rank: &[usize],
    ranks_count: usize,
    ups: &[Vec<usize>],
    downs: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    let total = node_rank.len();
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); ranks_count];
    let mut seen = vec![false; total];
    let mut queue = std::collections::VecDeque::new();
    for start in (0..total).filter(|&v| ups[v].is_empty()).chain(0..total) {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        queue.push_back(start);
        while let Some(v) = queue.pop_front() {
            layers[node_rank[v]].push(v);
            for &w in &downs[v] {
                if !seen[w] {
                    seen[w] = true;
                    queue.push_back(w);
                }
            }
        }
    }
    let mut position = vec![0usize; total];
    let index = |layers: &[Vec<usize>], position: &mut [usize]| {
        for layer in layers {
            for (i, &v) in layer.iter().enumerate() {
                position[v] = i;
            }
        }
    };
    index(&layers, &mut position);
    let mut best = layers.clone();
    let mut best_crossings = crossings(&layers, downs, &position);
    for sweep in 0..SWEEPS {
        let going_down = sweep % 2 == 0;
        let range: Box<dyn Iterator<Item = usize>> = if going_down {
            Box::new(1..ranks_count)
        } else {
            Box::new((0..ranks_count.saturating_sub(1)).rev())
        };
        for r in range {
            let neighbours = if going_down { ups } else { downs };
            let mut keyed: Vec<(f64, usize, usize)> = layers[r]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let around = &neighbours[v];
                    let key = if around.is_empty() {
                        i as f64
                    } else {
                        around.iter().map(|&w| position[w] as f64).sum::<f64>()
                            / around.len() as f64
                    };
                    (key, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[r] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                position[v] = i;
            }
        }
        let now = crossings(&layers, downs, &position);
        if now < best_crossings {
            best_crossings = now;
            best = layers.clone();
        }
    }
    best
}

/// Edge crossings between consecutive layers, for `position` of each node in its layer.
fn crossings(layers: &[Vec<usize>], downs: &[Vec<usize>], position: &[usize]) -> usize {
    let mut count = 0;
    for layer in layers {
        let mut segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&v| downs[v].iter().map(move |&w| (position[v], position[w])))
            .collect();
        segments.sort_unstable();
        // Pairs whose lower ends are in the other order: inversions, counted by merge sort.
        let mut lower: Vec<usize> = segments.iter().map(|s| s.1).collect();
        count += inversions(&mut lower);
    }
    count
}

fn inversions(values: &mut [usize]) -> usize {
    if values.len() < 2 {
        return 0;
    }
    let mid = values.len() / 2;
    let mut count = inversions(&mut values[..mid]) + inversions(&mut values[mid..]);
    let (left, right) = (values[..mid].to_vec(), values[mid..].to_vec());
    let (mut i, mut j) = (0, 0);
    for slot in values.iter_mut() {
        if j >= right.len() || (i < left.len() && left[i] <= right[j]) {
            *slot = left[i];
            i += 1;
        } else {
            *slot = right[j];
            count += left.len() - i;
            j += 1;
        }
    }
    count
}

/// Each node's x centre: layers packed left to right, then passes down and up that move each
/// layer as near the mean of its neighbours as its order and gaps allow.
fn place(
    layers: &[Vec<usize>],
    width: &[f64],
    ups: &[Vec<usize>],
    downs: &[Vec<usize>],
) -> Vec<f64> {
    let mut x = vec![0.0f64; width.len()];
    for layer in layers {
        let mut at = 0.0;
        for &v in layer {
            x[v] = at + width[v] / 2.0;
            at += width[v] + GAP;
        }
    }
    for pass in 0..PASSES {
        let going_down = pass % 2 == 0;
        let order: Vec<usize> = if going_down {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for r in order {
            let layer = &layers[r];
            let neighbours = |v: usize| -> Vec<usize> {
                let primary = if going_down { &ups[v] } else { &downs[v] };
                if primary.is_empty() {
                    if going_down {
                        downs[v].clone()
                    } else {
                        ups[v].clone()
                    }
                } else {
                    primary.clone()
                }
            };
            let wanted: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let around = neighbours(v);
                    if around.is_empty() {
                        x[v]
                    } else {
                        around.iter().map(|&w| x[w]).sum::<f64>() / around.len() as f64
                    }
                })
                .collect();
            let placed = fit_in_order(layer, width, &wanted);
            for (&v, px) in layer.iter().zip(placed) {
                x[v] = px;
            }
        }
    }
    x
}

/// The centres nearest `wanted` (least squares) that keep `layer`'s order and gaps: with
/// offsets taken out the constraint is a non-decreasing sequence, fitted exactly by pooling
/// adjacent violators.
fn fit_in_order(layer: &[usize], width: &[f64], wanted: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(layer.len());
    let mut at = 0.0;
    for (i, &v) in layer.iter().enumerate() {
        if i > 0 {
            at += width[layer[i - 1]] / 2.0 + GAP + width[v] / 2.0;
        }
        offsets.push(at);
    }
    // Blocks of (sum, count) whose means increase.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (w, o) in wanted.iter().zip(&offsets) {
        blocks.push((w - o, 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            *blocks.last_mut().unwrap() = (s1 + s2, c1 + c2);
        }
    }
    let mut placed = Vec::with_capacity(layer.len());
    for (sum, count) in blocks {
        let mean = sum / count as f64;
        placed.extend(std::iter::repeat_n(mean, count));
    }
    placed.iter().zip(&offsets).map(|(y, o)| y + o).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(n: usize) -> Vec<Size> {
        (0..n)
            .map(|i| Size {
                width: 40.0 + 10.0 * (i % 3) as f64,
                height: 30.0,
            })
            .collect()
    }

    /// No two boxes of a layer overlap, and every box is inside the drawing.
    fn check(sizes: &[Size], layout: &Layout) {
        for (i, a) in layout.centers.iter().enumerate() {
            assert!(
                a.0 - sizes[i].width / 2.0 >= -1e-9
                    && a.0 + sizes[i].width / 2.0 <= layout.width + 1e-9
            );
            for (j, b) in layout.centers.iter().enumerate().skip(i + 1) {
                if a.1 == b.1 {
                    let apart = (a.0 - b.0).abs();
                    assert!(
                        apart + 1e-9 >= (sizes[i].width + sizes[j].width) / 2.0 + GAP,
                        "{i} {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn callers_are_above_callees_and_routes_join_them() {
        // main -> a -> c, main -> b -> c, main -> c (a long edge), c -> a (a cycle).
        let edges = [(0, 1), (1, 3), (0, 2), (2, 3), (0, 3), (3, 1)];
        let sizes = boxes(4);
        let layout = layout(&sizes, &edges);
        check(&sizes, &layout);
        let y = |i: usize| layout.centers[i].1;
        assert!(y(0) < y(1) && y(0) < y(2) && y(1) < y(3) && y(2) < y(3));
        for (e, &(from, to)) in edges.iter().enumerate() {
            let route = &layout.routes[e];
            let (start, end) = (route[0], route[route.len() - 1]);
            let within = |x: f64, node: usize| {
                (x - layout.centers[node].0).abs() <= sizes[node].width * PORT_SPAN / 2.0
            };
            assert!(within(start.0, from), "edge {e} starts at its caller");
            assert!(within(end.0, to), "edge {e} ends at its callee");
        }
        // The three calls out of main leave it at three places, in the order they go.
        let mut starts: Vec<f64> = [0, 2, 4].iter().map(|&e| layout.routes[e][0].0).collect();
        starts.sort_by(f64::total_cmp);
        starts.dedup();
        assert_eq!(starts.len(), 3);
        // The long edge main -> c goes through a dummy on a's layer.
        assert_eq!(layout.routes[4].len(), 3);
    }

    #[test]
    fn a_crossing_that_can_go_does() {
        // Two chains drawn crossed at first: 0 -> 3, 1 -> 2 with 2 met first below.
        let edges = [(0, 3), (1, 2), (0, 4), (1, 5)];
        let layout = layout(&boxes(6), &edges);
        let x = |i: usize| layout.centers[i].0;
        assert_eq!(x(0) < x(1), x(3) < x(2));
        check(&boxes(6), &layout);
    }

    #[test]
    fn placement_fits_exactly_in_order() {
        let width = [10.0, 10.0, 10.0];
        let placed = fit_in_order(&[0, 1, 2], &width, &[0.0, 0.0, 100.0]);
        // The first two share their wish: centred on it, one gap apart.
        assert!((placed[0] + placed[1]).abs() < 1e-9);
        assert!((placed[1] - placed[0] - (10.0 + GAP)).abs() < 1e-9);
        assert_eq!(placed[2], 100.0);
        assert_eq!(inversions(&mut [3, 1, 2, 0]), 5);
    }

    #[test]
    fn large_graphs_stay_apart() {
        let n = 300;
        let edges: Vec<(usize, usize)> = (1..n)
            .flat_map(|i| [((i * 7) % i, i), ((i * 13 + 5) % n, i)])
            .filter(|(a, b)| a != b)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let sizes = boxes(n);
        check(&sizes, &layout(&sizes, &edges));
    }
}
