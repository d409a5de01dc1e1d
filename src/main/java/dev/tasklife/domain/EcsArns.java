package dev.tasklife.domain;

/** ECS's task ARNs ({@code arn:PARTITION:ecs:REGION:ACCOUNT:task/CLUSTER/ID}, ECS's format since 2018). */
public final class EcsArns {

    private static final String TASK = ":task/";

    private EcsArns() {
    }

    /**
     * The ARN of the cluster a task ARN names ({@code arn:PARTITION:ecs:REGION:ACCOUNT:cluster/CLUSTER}), or null for
     * an ARN in the older format, which names no cluster ({@code task/ID}), or no ARN.
     */
    public static String clusterArnOf(String taskArn) {
        int task = taskArn == null ? -1 : taskArn.indexOf(TASK);
        if (task < 0) {
            return null;
        }
        String[] resource = taskArn.substring(task + TASK.length()).split("/", -1);
        if (resource.length != 2 || resource[0].isEmpty()) {
            return null;
        }
        return taskArn.substring(0, task) + ":cluster/" + resource[0];
    }
}
