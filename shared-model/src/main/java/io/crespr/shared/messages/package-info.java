/**
 * What travels between the stage services: the one registry of topics ({@link
 * io.crespr.shared.messages.Topics}) with their keys and value types, the versioned JSON events,
 * their codec, the checkpoint transport (inline and compressed below a size, a claim check with
 * URI and SHA-256 above it) and the Kafka size settings that must move together. There is no
 * consumer loop here: the services and any other Kafka client use these types.
 */
package io.crespr.shared.messages;
