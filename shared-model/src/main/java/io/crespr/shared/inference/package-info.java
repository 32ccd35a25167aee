/**
 * Fast inference of pruned networks: a checkpoint compiled into an execution plan
 * ({@link io.crespr.shared.inference.SparseModel}) whose layers run as dense multiplies, as sparse
 * (CSR) rows or as per-module dense blocks plus a CSR remainder; LeNet-5's convolutions as an
 * im2col matrix times the dense or block kernel matrix, or as a direct sparse convolution. The
 * kind of each layer is chosen per layer by a cost model calibrated on the running machine
 * ({@link io.crespr.shared.inference.CostModel}) and, among the kinds it does not rule out, by
 * timing them on the layer itself. The inner loops use the JDK Vector API where the JVM has it.
 */
package io.crespr.shared.inference;
