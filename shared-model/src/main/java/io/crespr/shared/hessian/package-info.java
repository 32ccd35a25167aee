/**
 * Layer-wise second-order pruning: the calibration inputs of every weight layer
 * ({@link io.crespr.shared.hessian.LayerInputs}), the layer Hessian {@code H = XᵀX / n} with
 * damping, its inverse and its module blocks ({@link io.crespr.shared.hessian.LayerHessian}),
 * and the optimal re-fit of the surviving weights under a new mask
 * ({@link io.crespr.shared.hessian.ObsUpdate}).
 *
 * <p>Background: Optimal Brain Damage (LeCun, Denker and Solla 1990) ranks weights by the
 * diagonal of the Hessian; Optimal Brain Surgeon (Hassibi and Stork 1993) by
 * {@code ½ w_q² / [H⁻¹]_qq}, re-fitting the other weights. Layer-wise OBS (Dong, Chen and Pan
 * 2017) applies OBS to each layer's reconstruction error, whose Hessian is {@code XᵀX / n}
 * and the same for every output row; Optimal Brain Compression (Frantar and Alistarh 2022)
 * solves that layer problem exactly, row by row. Scorers built on this package are
 * {@link io.crespr.shared.plugins.ObsScorer} and {@link io.crespr.shared.plugins.ObdScorer}.
 */
package io.crespr.shared.hessian;
