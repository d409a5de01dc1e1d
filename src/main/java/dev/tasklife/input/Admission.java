package dev.tasklife.input;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import dev.tasklife.domain.EventTypes;

/**
 * Who may change records, and how far ahead of the service's clock an event may claim to be (lifecycle.md, "Time and
 * trust"). The EventBridge rules filter on the same sources and accounts; this is checked again in the function, so
 * that an event put by anyone else, or a direct invocation with a forged envelope, changes nothing.
 *
 * @param sourcesByDetailType the sources each detail-type is taken from; {@code ECS Task State Change} only from
 *     {@code aws.ecs}, whatever is configured
 * @param accounts the accounts the other detail-types are taken from
 * @param ecsAccounts the accounts {@code ECS Task State Change} is taken from (lifecycle.md, "Ownership": the
 *     accounts configured for ECS; a deployment's own by default)
 * @param maxSkew how far an event's time (or an agent's timestamp) may be ahead of the service's clock
 */
public record Admission(Map<String, Set<String>> sourcesByDetailType, Set<String> accounts, Set<String> ecsAccounts,
                        Duration maxSkew, Clock clock) {

    public static final String ECS_SOURCE = "aws.ecs";

    public Admission {
        sourcesByDetailType = Map.copyOf(sourcesByDetailType);
        accounts = Set.copyOf(accounts);
        ecsAccounts = Set.copyOf(ecsAccounts);
        if (maxSkew.isNegative()) {
            throw new IllegalArgumentException("maxSkew must not be negative");
        }
    }

    /** The detail-types and their senders as configured: agents, the control plane, step workers. */
    public static Admission of(Set<String> agentSources, Set<String> controlPlaneSources,
                               Set<String> stepWorkerSources, Set<String> accounts, Set<String> ecsAccounts,
                               Duration maxSkew, Clock clock) {
        return new Admission(Map.of(
                EventTypes.ECS_TASK_STATE_CHANGE, Set.of(ECS_SOURCE),
                EventTypes.TASK_STATUS_UPDATE, agentSources,
                EventTypes.TASK_LAUNCH_REQUESTED, controlPlaneSources,
                EventTypes.TASK_STOP_REQUESTED, controlPlaneSources,
                EventTypes.TASK_STEP_COMPLETED, stepWorkerSources), accounts, ecsAccounts, maxSkew, clock);
    }

    /** Refuses an envelope whose source is not trusted for its detail-type, or whose account is not trusted. */
    void checkSender(String detailType, String source, String account) throws InvalidEventException {
        if (source == null || !sourcesByDetailType.getOrDefault(detailType, Set.of()).contains(source)) {
            throw new InvalidEventException("source '" + source + "' is not trusted for '" + detailType + "'");
        }
        Set<String> trusted = EventTypes.ECS_TASK_STATE_CHANGE.equals(detailType) ? ecsAccounts : accounts;
        if (account == null || !trusted.contains(account)) {
            throw new InvalidEventException("account '" + account + "' is not trusted for '" + detailType + "'");
        }
    }

    /** Refuses a time further ahead of the service's clock than the allowed skew; old times are legitimate. */
    void checkNotAhead(String field, Instant time) throws InvalidEventException {
        if (time.isAfter(clock.instant().plus(maxSkew))) {
            throw new InvalidEventException(field + " " + time + " is more than " + maxSkew.toSeconds()
                    + " s ahead of the service's clock");
        }
    }
}
