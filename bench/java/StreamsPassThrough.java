import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The exactly-once reference of `npm run bench -- runtime`: a Kafka Streams pass-through
 * (input to output, processing.guarantee=exactly_once_v2). Timed from the first record to the
 * moment the application's committed offsets cover `records` input records, like the runtime's
 * figure (until the transaction holding the last record committed).
 *
 * Usage: StreamsPassThrough BOOTSTRAP INPUT OUTPUT APPLICATION_ID RECORDS THREADS
 * Prints one JSON line: {"records":N,"ms":N,"recordsPerSec":N}
 */
public class StreamsPassThrough {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], input = args[1], output = args[2], appId = args[3];
    long records = Long.parseLong(args[4]);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(args[5]));
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("streams-reference").toString());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    AtomicLong firstRecordAt = new AtomicLong();
    StreamsBuilder builder = new StreamsBuilder();
    builder.<byte[], byte[]>stream(input).peek((k, v) -> firstRecordAt.compareAndSet(0, System.currentTimeMillis())).to(output);

    try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      streams.start();
      // The input holds exactly `records` records from offset 0: committed offsets sum to it once done.
      for (;;) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
        long sum = committed.values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
        if (sum >= records) break;
        Thread.sleep(20);
      }
      long ms = System.currentTimeMillis() - firstRecordAt.get();
      System.out.println("{\"records\":" + records + ",\"ms\":" + ms + ",\"recordsPerSec\":" + Math.round(records * 1000.0 / ms) + "}");
      // Leave the group at once (Streams' default keeps members until their session times out), so it can be deleted.
      streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
    }
  }
}
