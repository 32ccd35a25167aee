/**
 * The CRESPR library: datasets, models, versioned checkpoints, the five stage functions
 * (train, cluster, score, prune, evaluate) and their ServiceLoader plugins. It has no server
 * and no Kafka loop, so a batch job or a notebook can use it as it is.
 */
package io.crespr.shared;
