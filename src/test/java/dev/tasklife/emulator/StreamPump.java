package dev.tasklife.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What Lambda's DynamoDB event source does, on an emulator: reads the table's stream, hands the records to the
 * publisher function as Lambda's stream event, and hands a failed record (and those after it) back on the next
 * pump, as a function answering batch item failures gets them again.
 */
public final class StreamPump {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbStreamsClient streams;
    private final LambdaFunction publisher;
    private final String streamArn;
    private static final int BATCH_SIZE = 100;

    private final Map<String, String> lastRead = new HashMap<>();
    private final List<Record> pending = new ArrayList<>();
    private int deliveries;

    public StreamPump(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String tableName,
                      LambdaFunction publisher) {
        this.streams = streams;
        this.publisher = publisher;
        this.streamArn = dynamo.describeTable(describe -> describe.tableName(tableName)).table().latestStreamArn();
    }

    /** Reads what is new on the stream and delivers everything not yet delivered. */
    public synchronized void pump() throws IOException {
        for (Shard shard : streams.describeStream(describe -> describe.streamArn(streamArn)).streamDescription()
                .shards()) {
            // A fresh iterator after the last record read each time: moto's iterator from an empty read skips
            // what arrives later.
            String last = lastRead.get(shard.shardId());
            String iterator = streams.getShardIterator(get -> get.streamArn(streamArn).shardId(shard.shardId())
                    .shardIteratorType(last == null ? ShardIteratorType.TRIM_HORIZON
                            : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .sequenceNumber(last)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                var page = streams.getRecords(get -> get.shardIterator(current).limit(100));
                if (page.records().isEmpty()) {
                    break;
                }
                pending.addAll(page.records());
                lastRead.put(shard.shardId(), page.records().get(page.records().size() - 1).dynamodb()
                        .sequenceNumber());
                iterator = page.nextShardIterator();
            }
        }
        while (!pending.isEmpty()) {
            if (!deliverBatch()) {
                return; // handed back: the next pump tries again from the failed record
            }
        }
    }

    /** Delivers up to a batch (the template's BatchSize) of pending records; false when one was handed back. */
    private boolean deliverBatch() throws IOException {
        List<Record> batch = pending.subList(0, Math.min(BATCH_SIZE, pending.size()));
        deliveries++;
        JsonNode answer = JSON.readTree(publisher.invoke(lambdaEvent(batch).toString()
                .getBytes(StandardCharsets.UTF_8)));
        if (answer.has("verdict")) {
            throw new IllegalStateException("the publisher could not read the stream event: " + answer);
        }
        JsonNode failures = answer.path("batchItemFailures");
        if (failures.isEmpty()) {
            batch.clear();
            return true;
        }
        String failed = failures.get(0).path("itemIdentifier").asText();
        int from = 0;
        while (from < pending.size() && !pending.get(from).dynamodb().sequenceNumber().equals(failed)) {
            from++;
        }
        pending.subList(0, from).clear();
        return false;
    }

    /** How many times records were handed to the publisher. */
    public synchronized int deliveries() {
        return deliveries;
    }

    private static ObjectNode lambdaEvent(List<Record> records) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        ArrayNode array = event.putArray("Records");
        for (Record record : records) {
            ObjectNode entry = array.addObject();
            entry.put("eventID", record.eventID());
            entry.put("eventName", record.eventNameAsString());
            entry.put("eventSource", "aws:dynamodb");
            ObjectNode dynamodb = entry.putObject("dynamodb");
            dynamodb.put("SequenceNumber", record.dynamodb().sequenceNumber());
            dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");
            dynamodb.set("Keys", image(record.dynamodb().keys()));
            if (record.dynamodb().hasOldImage()) {
                dynamodb.set("OldImage", image(record.dynamodb().oldImage()));
            }
            if (record.dynamodb().hasNewImage()) {
                dynamodb.set("NewImage", image(record.dynamodb().newImage()));
            }
        }
        return event;
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode image = JsonNodeFactory.instance.objectNode();
        item.forEach((name, value) -> image.set(name, json(value)));
        return image;
    }

    /** An attribute value in DynamoDB JSON, as Lambda writes stream images. */
    private static ObjectNode json(AttributeValue value) {
        ObjectNode typed = JsonNodeFactory.instance.objectNode();
        switch (value.type()) {
            case S -> typed.put("S", value.s());
            case N -> typed.put("N", value.n());
            case BOOL -> typed.put("BOOL", value.bool());
            case NUL -> typed.put("NULL", true);
            case B -> typed.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case SS -> value.ss().forEach(typed.putArray("SS")::add);
            case NS -> value.ns().forEach(typed.putArray("NS")::add);
            case L -> value.l().forEach(element -> typed.withArray("L").add(json(element)));
            case M -> {
                ObjectNode map = typed.putObject("M");
                value.m().forEach((name, element) -> map.set(name, json(element)));
            }
            default -> throw new IllegalArgumentException("unexpected attribute type " + value.type());
        }
        return typed;
    }
}
