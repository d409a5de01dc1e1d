package dev.tasklife.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import dev.tasklife.Fixtures;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** The backfill's Scan: where it may go on from. */
@ExtendWith(MockitoExtension.class)
class BackfillScanTest {

    @Mock
    DynamoDbClient dynamo;

    @Test
    void aBackfillToldToGoOnFromAKeyOfAnotherSegmentIsTheCallersMistakeNotAnOutage() {
        BackfillScan store = new BackfillScan(new TaskTable(dynamo, "tasks"), Fixtures.INDEX_KEYS);
        DynamoDbException refused = (DynamoDbException) DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                        .errorMessage("The provided Exclusive start key does not map to the provided Segment").build())
                .build();
        when(dynamo.scan(any(ScanRequest.class))).thenThrow(refused);

        BackfillScan.ScanStartRejected error = assertThrows(BackfillScan.ScanStartRejected.class,
                () -> store.backfillScan(1, 4, "t7", 200));
        assertTrue(error.getMessage().startsWith("after t7 is not where segment 1 of 4 goes on"), error.getMessage());
        assertThrows(DynamoDbException.class, () -> store.backfillScan(0, 4, null, 200),
                "from a segment's start the request is all ours: a refusal is a failure");
    }
}
