/**
 * Fast inference of pruned fully connected networks: a checkpoint compiled into an execution
 * plan ({@link io.crespr.shared.inference.SparseModel}) whose layers run as a dense loop, as
 * sparse (CSR) rows or as per-module dense blocks plus a CSR remainder, chosen per layer by a
 * cost model calibrated on the running machine ({@link io.crespr.shared.inference.CostModel}).
 * Convolutional networks (lenet-5) are not compiled yet.
 */
package io.crespr.shared.inference;
