//! A layered (Sugiyama-style) drawing of a directed graph, left to right,
//! computed here so that `sesphr view` needs nothing installed.
//!
//! The steps are the classic ones: reverse the edges that close cycles (found
//! by a depth-first search from the start nodes), put every node in a layer
//! (longest path), split edges that span several layers with dummy points,
//! order each layer by the barycentres of its neighbours (keeping the order
//! with the fewest crossings), then place the nodes and route each edge
//! through its dummy points. The result is deterministic.

use std::fmt::Write as _;

/// The graph to draw: node boxes and directed edges.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Width and height of each node's box, in pixels.
    pub sizes: Vec<(f64, f64)>,
    /// Edges as (from, to) node indices.
    pub edges: Vec<(usize, usize)>,
    /// Nodes the drawing should start from (e.g. marked places), in order.
    pub starts: Vec<usize>,
}

/// Where everything goes: node centres and one SVG path per edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Width and height of the drawing.
    pub size: (f64, f64),
    /// The centre of each node.
    pub centres: Vec<(f64, f64)>,
    /// Per edge: the SVG path data (`d`) from the source's border to the target's.
    pub paths: Vec<String>,
    /// Per edge: where its label goes.
    pub label_at: Vec<(f64, f64)>,
}

/// Horizontal gap between layers.
const LAYER_GAP: f64 = 70.0;
/// Vertical gap between neighbours in a layer.
const NODE_GAP: f64 = 30.0;
/// Margin around the drawing.
const MARGIN: f64 = 20.0;
/// Ordering sweeps (each one down and up).
const SWEEPS: usize = 12;

/// A node of the layered graph: a real node or a dummy point of a long edge.
#[derive(Debug, Clone, Copy)]
struct Item {
    height: f64,
    width: f64,
}

/// Draws `graph` left to right.
pub fn layered(graph: &Graph) -> Layout {
    let n = graph.sizes.len();
    let reversed = back_edges(graph);
    let dag: Vec<(usize, usize)> = graph
        .edges
        .iter()
        .zip(&reversed)
        .filter(|((a, b), _)| a != b)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    let layer_of = longest_path_layers(n, &dag);

    // Items: real nodes first, then dummies; chains: per edge, its items from
    // the (possibly reversed) source to target.
    let mut items: Vec<Item> = graph
        .sizes
        .iter()
        .map(|&(width, height)| Item { height, width })
        .collect();
    let mut item_layer = layer_of.clone();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(graph.edges.len());
    for (&(a, b), &r) in graph.edges.iter().zip(&reversed) {
        let (s, t) = if r { (b, a) } else { (a, b) };
        let mut chain = vec![s];
        if s != t {
            for layer in layer_of[s] + 1..layer_of[t] {
                items.push(Item {
                    height: 8.0,
                    width: 0.0,
                });
                item_layer.push(layer);
                chain.push(items.len() - 1);
            }
        }
        chain.push(t);
        chains.push(chain);
    }
    let layers = order_layers(graph, &items, &item_layer, &chains);
    let (centres, size) = place(&items, &layers, &chains);

    let bends = parallel_bends(&graph.edges);
    let mut paths = Vec::with_capacity(chains.len());
    let mut label_at = Vec::with_capacity(chains.len());
    for (((chain, &r), &(a, b)), &bend) in
        chains.iter().zip(&reversed).zip(&graph.edges).zip(&bends)
    {
        let mut points: Vec<(f64, f64)> = if a == b {
            self_loop(centres[a], graph.sizes[a])
        } else {
            chain.iter().map(|&i| centres[i]).collect()
        };
        if r {
            points.reverse();
        }
        if a != b && points.len() == 2 && bend != 0.0 {
            // Edges between the same two nodes bow apart instead of overlapping.
            let (p, q) = (points[0], points[1]);
            let (dx, dy) = (q.0 - p.0, q.1 - p.1);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let sign = if a < b { 1.0 } else { -1.0 };
            let mid = (
                (p.0 + q.0) / 2.0 - sign * bend * dy / len,
                (p.1 + q.1) / 2.0 + sign * bend * dx / len,
            );
            points.insert(1, mid);
        }
        if a != b {
            let last = points.len() - 1;
            points[0] = border(centres[a], graph.sizes[a], points[1]);
            points[last] = border(centres[b], graph.sizes[b], points[last - 1]);
        }
        label_at.push(midpoint(&points));
        paths.push(smooth_path(&points));
    }
    Layout {
        size,
        centres: centres[..n].to_vec(),
        paths,
        label_at,
    }
}

/// How far each edge bows sideways: 0 for the only edge between its two
/// nodes; edges sharing a pair of nodes (either way) spread 24 px apart.
fn parallel_bends(edges: &[(usize, usize)]) -> Vec<f64> {
    let pair = |&(a, b): &(usize, usize)| (a.min(b), a.max(b));
    edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let same: Vec<usize> = (0..edges.len())
                .filter(|&j| pair(&edges[j]) == pair(e) && edges[j].0 != edges[j].1)
                .collect();
            if same.len() < 2 {
                return 0.0;
            }
            let k = same.iter().position(|&j| j == i).unwrap_or(0) as f64;
            // Antiparallel pairs bow to opposite sides already (the sign
            // follows the direction), so they share the same offset.
            let spread = (k - (same.len() as f64 - 1.0) / 2.0) * 24.0;
            if spread == 0.0 {
                12.0
            } else {
                spread.abs().max(12.0) * spread.signum()
            }
        })
        .collect()
}

/// Which edges to reverse so that the graph has no cycle: those that reach a
/// node on the stack of a depth-first search begun at the start nodes.
fn back_edges(graph: &Graph) -> Vec<bool> {
    let n = graph.sizes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, &(a, _)) in graph.edges.iter().enumerate() {
        out[a].push(e);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut mark = vec![Mark::New; n];
    let mut reversed = vec![false; graph.edges.len()];
    let roots = graph.starts.iter().copied().chain(0..n);
    for root in roots {
        if root >= n || mark[root] != Mark::New {
            continue;
        }
        // Iterative DFS: (node, next outgoing edge to look at).
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::OnStack;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&e) = out[node].get(*next) {
                *next += 1;
                let target = graph.edges[e].1;
                match mark[target] {
                    Mark::New => {
                        mark[target] = Mark::OnStack;
                        stack.push((target, 0));
                    }
                    Mark::OnStack => reversed[e] = true,
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    reversed
}

/// Layer of each node of an acyclic graph: the length of the longest path reaching it.
fn longest_path_layers(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in dag {
        indegree[b] += 1;
        out[a].push(b);
    }
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| indegree[v] == 0).collect();
    while let Some(v) = ready.pop() {
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    layer
}

/// The items of each layer, top to bottom, ordered to cross few edges.
fn order_layers(
    graph: &Graph,
    items: &[Item],
    item_layer: &[usize],
    chains: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    let depth = item_layer.iter().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    // Start nodes first, then the others in index order.
    let mut seen = vec![false; items.len()];
    for &i in graph
        .starts
        .iter()
        .chain(&(0..items.len()).collect::<Vec<_>>())
    {
        if i < items.len() && !seen[i] {
            seen[i] = true;
            layers[item_layer[i]].push(i);
        }
    }
    // Adjacent pairs (left item, right item) along the chains.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for chain in chains {
        for w in chain.windows(2) {
            if w[0] != w[1] {
                pairs.push((w[0], w[1]));
            }
        }
    }
    let mut left: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut right: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for &(a, b) in &pairs {
        right[a].push(b);
        left[b].push(a);
    }
    let mut best = layers.clone();
    let mut best_crossings = crossings(&layers, &right, items.len());
    for _ in 0..SWEEPS {
        for l in 1..depth {
            reorder(&mut layers, l, l - 1, &left, items.len());
        }
        for l in (0..depth.saturating_sub(1)).rev() {
            reorder(&mut layers, l, l + 1, &right, items.len());
        }
        let c = crossings(&layers, &right, items.len());
        if c < best_crossings {
            best_crossings = c;
            best = layers.clone();
        }
    }
    best
}

/// Sorts layer `l` by the mean position of each item's neighbours in layer `fixed`.
fn reorder(layers: &mut [Vec<usize>], l: usize, fixed: usize, adj: &[Vec<usize>], n: usize) {
    let mut pos = vec![0.0f64; n];
    for (i, &item) in layers[fixed].iter().enumerate() {
        pos[item] = i as f64;
    }
    let keys: Vec<(f64, usize)> = layers[l]
        .iter()
        .enumerate()
        .map(|(i, &item)| {
            let ns = &adj[item];
            let key = if ns.is_empty() {
                i as f64
            } else {
                ns.iter().map(|&m| pos[m]).sum::<f64>() / ns.len() as f64
            };
            (key, item)
        })
        .collect();
    let mut keyed = keys;
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    layers[l] = keyed.into_iter().map(|(_, item)| item).collect();
}

/// Edge crossings between adjacent layers.
fn crossings(layers: &[Vec<usize>], right: &[Vec<usize>], n: usize) -> usize {
    let mut pos = vec![0usize; n];
    for layer in layers {
        for (i, &item) in layer.iter().enumerate() {
            pos[item] = i;
        }
    }
    let mut total = 0;
    for layer in layers {
        let mut segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&a| right[a].iter().map(move |&b| (a, b)))
            .map(|(a, b)| (pos[a], pos[b]))
            .collect();
        segments.sort_unstable();
        total += inversions(segments.iter().map(|&(_, b)| b));
    }
    total
}

/// Pairs `i < j` with `ends[i] > ends[j]`, counted with a Fenwick tree in
/// O(n log n): with segments sorted by (start, end), exactly the pairs of
/// segments that cross (those sharing a start or an end do not).
fn inversions(ends: impl Iterator<Item = usize> + Clone) -> usize {
    let size = ends.clone().max().map_or(0, |m| m + 1);
    let mut tree = vec![0usize; size + 1];
    let (mut seen, mut total) = (0, 0);
    for end in ends {
        // How many ends seen so far are at most `end`.
        let (mut i, mut at_most) = (end + 1, 0);
        while i > 0 {
            at_most += tree[i];
            i &= i - 1;
        }
        total += seen - at_most;
        seen += 1;
        let mut i = end + 1;
        while i <= size {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    total
}

/// Centres of all items and the drawing's size: layers side by side, each
/// item pulled towards its neighbours while keeping the layer's order.
fn place(
    items: &[Item],
    layers: &[Vec<usize>],
    chains: &[Vec<usize>],
) -> (Vec<(f64, f64)>, (f64, f64)) {
    let mut x = vec![0.0; items.len()];
    let mut y = vec![0.0; items.len()];
    let mut cursor = MARGIN;
    for layer in layers {
        let width = layer.iter().map(|&i| items[i].width).fold(0.0, f64::max);
        let mut top = MARGIN;
        for &i in layer {
            x[i] = cursor + width / 2.0;
            y[i] = top + items[i].height / 2.0;
            top += items[i].height + NODE_GAP;
        }
        cursor += width + LAYER_GAP;
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for chain in chains {
        for w in chain.windows(2) {
            if w[0] != w[1] {
                neighbours[w[0]].push(w[1]);
                neighbours[w[1]].push(w[0]);
            }
        }
    }
    for _ in 0..8 {
        for layer in layers {
            let wanted: Vec<f64> = layer
                .iter()
                .map(|&i| {
                    let ns = &neighbours[i];
                    if ns.is_empty() {
                        y[i]
                    } else {
                        ns.iter().map(|&m| y[m]).sum::<f64>() / ns.len() as f64
                    }
                })
                .collect();
            separate(layer, &wanted, items, &mut y);
        }
    }
    // Shift everything so that the topmost item touches the margin.
    let top = items
        .iter()
        .enumerate()
        .map(|(i, it)| y[i] - it.height / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = if top.is_finite() { MARGIN - top } else { 0.0 };
    for v in &mut y {
        *v += shift;
    }
    let height = items
        .iter()
        .enumerate()
        .map(|(i, it)| y[i] + it.height / 2.0)
        .fold(0.0, f64::max)
        + MARGIN;
    let width = (cursor - LAYER_GAP + MARGIN).max(2.0 * MARGIN);
    let centres = x.into_iter().zip(y).collect();
    (centres, (width, height.max(2.0 * MARGIN)))
}

/// Places a layer's items as near their wanted heights as their order and
/// the gaps allow: items pushed down, then up, then down again.
fn separate(layer: &[usize], wanted: &[f64], items: &[Item], y: &mut [f64]) {
    let gap = |a: usize, b: usize| (items[a].height + items[b].height) / 2.0 + NODE_GAP;
    for (k, &i) in layer.iter().enumerate() {
        y[i] = wanted[k];
    }
    for k in 1..layer.len() {
        let (a, b) = (layer[k - 1], layer[k]);
        y[b] = y[b].max(y[a] + gap(a, b));
    }
    // Pull the layer back up towards its wanted centre of mass.
    if !layer.is_empty() {
        let excess = layer.iter().map(|&i| y[i]).sum::<f64>() / layer.len() as f64
            - wanted.iter().sum::<f64>() / wanted.len() as f64;
        if excess > 0.0 {
            for &i in layer {
                y[i] -= excess;
            }
        }
    }
}

/// Three points of a loop drawn above a node.
fn self_loop((x, y): (f64, f64), (w, h): (f64, f64)) -> Vec<(f64, f64)> {
    let top = y - h / 2.0;
    vec![(x - w / 4.0, top), (x, top - 24.0), (x + w / 4.0, top)]
}

/// Where the segment from the centre of a node towards `toward` leaves the node's box.
fn border((cx, cy): (f64, f64), (w, h): (f64, f64), toward: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (toward.0 - cx, toward.1 - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let sx = if dx == 0.0 {
        f64::INFINITY
    } else {
        (w / 2.0) / dx.abs()
    };
    let sy = if dy == 0.0 {
        f64::INFINITY
    } else {
        (h / 2.0) / dy.abs()
    };
    let s = sx.min(sy).min(1.0);
    (cx + dx * s, cy + dy * s)
}

/// The point halfway along a polyline (by vertex count, good enough for labels).
fn midpoint(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len();
    if n % 2 == 1 {
        points[n / 2]
    } else {
        let (a, b) = (points[n / 2 - 1], points[n / 2]);
        ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
    }
}

/// SVG path data through `points`: straight for two points, else quadratic
/// curves whose corners are the inner points.
fn smooth_path(points: &[(f64, f64)]) -> String {
    let mut d = format!("M{:.1},{:.1}", points[0].0, points[0].1);
    if points.len() == 2 {
        let _ = write!(d, " L{:.1},{:.1}", points[1].0, points[1].1);
        return d;
    }
    for k in 1..points.len() - 1 {
        let (c, next) = (points[k], points[k + 1]);
        let end = if k + 2 == points.len() {
            next
        } else {
            ((c.0 + next.0) / 2.0, (c.1 + next.1) / 2.0)
        };
        let _ = write!(d, " Q{:.1},{:.1} {:.1},{:.1}", c.0, c.1, end.0, end.1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inversions_are_the_crossing_pairs() {
        let ends = [3, 1, 2, 0, 2];
        let brute = (0..ends.len())
            .flat_map(|i| (i + 1..ends.len()).map(move |j| (i, j)))
            .filter(|&(i, j)| ends[i] > ends[j])
            .count();
        assert_eq!(inversions(ends.iter().copied()), brute);
        assert_eq!(brute, 6);
        assert_eq!(inversions(std::iter::empty()), 0);
    }

    /// The crossing count equals the pairwise definition (two segments
    /// between the same two layers cross when their ends are in the
    /// opposite order at both sides) on random layers, duplicate edges and
    /// shared ends included.
    #[test]
    fn crossings_are_the_pairwise_count() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        for _ in 0..200 {
            let (left, right_count) = (1 + next(6), 1 + next(6));
            let n = left + right_count;
            let layers = vec![(0..left).collect::<Vec<_>>(), (left..n).collect()];
            let mut right = vec![Vec::new(); n];
            let mut segments = Vec::new();
            for _ in 0..next(12) {
                let (a, b) = (next(left), left + next(right_count));
                right[a].push(b);
                segments.push((a, b - left));
            }
            let pairwise = (0..segments.len())
                .flat_map(|i| (i + 1..segments.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| {
                    let ((a1, b1), (a2, b2)) = (segments[i], segments[j]);
                    (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2)
                })
                .count();
            assert_eq!(crossings(&layers, &right, n), pairwise, "{segments:?}");
        }
    }

    fn graph(n: usize, edges: &[(usize, usize)]) -> Graph {
        Graph {
            sizes: vec![(40.0, 30.0); n],
            edges: edges.to_vec(),
            starts: vec![0],
        }
    }

    fn overlap(l: &Layout, sizes: &[(f64, f64)], a: usize, b: usize) -> bool {
        let (ca, cb) = (l.centres[a], l.centres[b]);
        (ca.0 - cb.0).abs() < (sizes[a].0 + sizes[b].0) / 2.0
            && (ca.1 - cb.1).abs() < (sizes[a].1 + sizes[b].1) / 2.0
    }

    #[test]
    fn a_chain_goes_left_to_right() {
        let g = graph(3, &[(0, 1), (1, 2)]);
        let l = layered(&g);
        assert!(l.centres[0].0 < l.centres[1].0 && l.centres[1].0 < l.centres[2].0);
        assert_eq!(l.paths.len(), 2);
    }

    #[test]
    fn a_cycle_is_drawn_from_the_start_node() {
        let mut g = graph(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
        g.starts = vec![2];
        let l = layered(&g);
        // The start node is leftmost; the edge closing the cycle runs backwards.
        assert!((0..4).all(|i| l.centres[2].0 <= l.centres[i].0));
        assert!(l.centres[1].0 > l.centres[2].0 || l.centres[1].0 > l.centres[0].0);
    }

    #[test]
    fn nodes_never_overlap_and_stay_inside() {
        // Philosophers-like: a dense bipartite graph with cycles.
        let edges = [
            (0, 4),
            (3, 4),
            (4, 1),
            (1, 5),
            (3, 5),
            (5, 2),
            (2, 6),
            (6, 0),
            (6, 3),
            (0, 7),
            (7, 2),
        ];
        let g = graph(8, &edges);
        let l = layered(&g);
        for a in 0..8 {
            let (x, y) = l.centres[a];
            assert!(x - 20.0 >= 0.0 && x + 20.0 <= l.size.0, "node {a} at {x}");
            assert!(y - 15.0 >= 0.0 && y + 15.0 <= l.size.1, "node {a} at {y}");
            for b in a + 1..8 {
                assert!(!overlap(&l, &g.sizes, a, b), "{a} and {b} overlap");
            }
        }
    }

    #[test]
    fn crossings_are_removed_where_possible() {
        // 0 -> 3, 1 -> 2 with 0 above 1: the second layer is swapped.
        let g = Graph {
            sizes: vec![(20.0, 20.0); 4],
            edges: vec![(0, 3), (1, 2)],
            starts: vec![0, 1],
        };
        let l = layered(&g);
        assert!(l.centres[3].1 < l.centres[2].1);
    }

    #[test]
    fn edges_between_the_same_nodes_do_not_overlap() {
        let g = graph(2, &[(0, 1), (1, 0)]);
        let l = layered(&g);
        assert_ne!(l.paths[0], l.paths[1]);
        assert!(l.paths.iter().all(|d| d.contains('Q')), "{:?}", l.paths);
        assert!(
            (l.label_at[0].1 - l.label_at[1].1).abs() > 10.0,
            "{:?}",
            l.label_at
        );
    }

    #[test]
    fn the_layout_is_deterministic() {
        let g = graph(5, &[(0, 1), (1, 2), (2, 0), (3, 4), (0, 4), (4, 4)]);
        assert_eq!(layered(&g), layered(&g));
    }
}
