package dev.tasklife.store;

import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One page of a sparse index (sweep, reconcile), with what reading it cost. {@code unreadable}: the ids of entries on
 * the page this code cannot read; the caller reports them and goes on with the rest.
 */
public record IndexPage<T>(List<T> entries, List<String> unreadable, Map<String, AttributeValue> next,
                           double readUnits) {
}
