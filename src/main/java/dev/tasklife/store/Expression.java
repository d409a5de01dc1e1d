package dev.tasklife.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Placeholders for names and values: nothing from an event is ever spliced into expression text. */
final class Expression {
    final Map<String, String> names = new HashMap<>();
    final Map<String, AttributeValue> values = new HashMap<>();

    String name(String attribute) {
        String placeholder = "#" + attribute;
        names.put(placeholder, attribute);
        return placeholder;
    }

    String value(Object value) {
        AttributeValue attributeValue;
        if (value instanceof AttributeValue given) {
            attributeValue = given;
        } else if (value instanceof Number number) {
            attributeValue = AttributeValue.fromN(number.toString());
        } else if (value instanceof Enum<?> constant) {
            attributeValue = AttributeValue.fromS(constant.name());
        } else {
            attributeValue = AttributeValue.fromS(value.toString());
        }
        String placeholder = ":v" + values.size();
        values.put(placeholder, attributeValue);
        return placeholder;
    }

    String number(long value) {
        return value(value);
    }

    String emptyList() {
        return value(AttributeValue.fromL(List.of()));
    }
}
