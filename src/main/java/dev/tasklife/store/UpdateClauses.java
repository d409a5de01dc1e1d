package dev.tasklife.store;

import java.util.StringJoiner;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The SET and REMOVE clauses of one update expression, every name and value a placeholder of {@code expression}. */
final class UpdateClauses {

    private final Expression expression;
    private final StringJoiner set = new StringJoiner(", ", "SET ", "");
    private final StringJoiner remove = new StringJoiner(", ", " REMOVE ", "").setEmptyValue("");

    UpdateClauses(Expression expression) {
        this.expression = expression;
    }

    Expression expression() {
        return expression;
    }

    /** A SET clause written out ({@code #name = ...}). */
    void add(String clause) {
        set.add(clause);
    }

    void set(String attribute, Object value) {
        set.add(expression.name(attribute) + " = " + expression.value(value));
    }

    void remove(String attribute) {
        remove.add(expression.name(attribute));
    }

    /** A REMOVE of a path written out ({@code #name[0]}). */
    void removePath(String path) {
        remove.add(path);
    }

    void setIfPresent(String attribute, Object value) {
        if (value != null) {
            set(attribute, value);
        }
    }

    /** First writer wins: set only where the item has no value yet. */
    void setIfAbsent(String attribute, Object value) {
        if (value != null) {
            set.add(ifAbsent(attribute, expression.value(value)));
        }
    }

    void setMaybeIfAbsent(String attribute, Object value, boolean onlyIfAbsent) {
        if (onlyIfAbsent) {
            setIfAbsent(attribute, value);
        } else {
            setIfPresent(attribute, value);
        }
    }

    void setOrRemove(String attribute, AttributeValue value) {
        if (value == null) {
            remove(attribute);
        } else {
            set(attribute, value);
        }
    }

    /** {@code #name = #name + 1}, from 0 for an item without it. */
    void increment(String attribute) {
        String name = expression.name(attribute);
        set.add(name + " = if_not_exists(" + name + ", " + expression.number(0) + ") + " + expression.number(1));
    }

    String ifAbsent(String attribute, String valuePlaceholder) {
        String name = expression.name(attribute);
        return name + " = if_not_exists(" + name + ", " + valuePlaceholder + ")";
    }

    @Override
    public String toString() {
        return set.toString() + remove;
    }
}
