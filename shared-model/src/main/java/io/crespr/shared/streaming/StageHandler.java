package io.crespr.shared.streaming;

import io.crespr.shared.messages.JobStatus;
import java.util.List;
import java.util.function.Consumer;

/** One stage: a record of one of its input topics in, the events to publish out. */
public interface StageHandler {

    /** The stage's name in logs and dead letters ({@code training}, {@code clustering}, …). */
    String stage();

    /**
     * Processes one record.
     *
     * @param topic   the topic it came from
     * @param key     its key
     * @param value   its bytes
     * @param started told the job's status as soon as the record has decoded, before the work
     * @return what to publish, all or nothing
     * @throws io.crespr.shared.InvalidInputException for a record no retry can fix (bad input)
     */
    List<Outgoing> handle(String topic, String key, byte[] value, Consumer<JobStatus> started);
}
