package dev.ferry.local.chaos;

import dev.ferry.shared.aws.AwsClientWrapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Stands between one worker's Ferry runtime and SQS / DynamoDB and crashes the worker at the step boundaries, exactly
 * where a step hands its work on: before a queue send (the step's effect for webhook, fetch, transform and a poll
 * page), after deliver's claim (before the destination call), and before the idempotency write that follows it (so
 * between the destination call and the record of it). Everything else passes through unchanged.
 */
final class CrashingClients implements AwsClientWrapper {

    /** Which step the worker runs: it names the crash points. */
    enum Role { WEBHOOK, FETCH, TRANSFORM, DELIVER }

    private final Role role;
    private final Faults faults;
    private final double rate;
    private final java.util.concurrent.atomic.AtomicBoolean crashNextPage;
    private final String idempotencyTable;
    /** queue URL -> queue id (fetch, transform-dlq, ...) */
    private final Map<String, String> queues;

    /** @param crashNextPage set by the source when the poll is to crash before queueing the page just served */
    CrashingClients(Role role, Faults faults, double rate, java.util.concurrent.atomic.AtomicBoolean crashNextPage,
                    String idempotencyTable, Map<String, String> queues) {
        this.crashNextPage = crashNextPage;
        this.role = role;
        this.faults = faults;
        this.rate = rate;
        this.idempotencyTable = idempotencyTable;
        this.queues = queues;
    }

    @Override
    public <T> T wrap(Class<T> type, T client) {
        if (type != SqsClient.class && type != DynamoDbClient.class) {
            return client;
        }
        InvocationHandler handler = (proxy, method, args) -> invoke(client, proxy, method, args);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private Object invoke(Object client, Object proxy, Method method, Object[] args) throws Throwable {
        if (args != null && args.length == 1 && args[0] instanceof Consumer<?>) {
            // The SDK's builder overloads are default methods that build the request and call the plain overload:
            // run them on the proxy, so that the plain call below sees the request.
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        Object request = args != null && args.length == 1 ? args[0] : null;
        before(request);
        Object result;
        try {
            result = method.invoke(client, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        after(request);
        return result;
    }

    private void before(Object request) {
        switch (request) {
            case SendMessageRequest r -> beforeSend(r.queueUrl(), false);
            case SendMessageBatchRequest r -> beforeSend(r.queueUrl(), true);
            case UpdateItemRequest r when idempotencyTable.equals(r.tableName()) && isCompletion(r) -> {
                String pk = pk(r.key());
                if (pk.contains("#deliver#")) {
                    faults.maybeCrash("deliver: between the destination call and the idempotency write", rate);
                } else if (pk.contains("#webhook#")) {
                    faults.maybeCrash("webhook: after queueing, before marking the delivery id done", rate);
                }
            }
            case null, default -> {
            }
        }
    }

    private void after(Object request) {
        if (request instanceof PutItemRequest r && idempotencyTable.equals(r.tableName()) && pk(r.item()).contains("#deliver#")) {
            faults.maybeCrash("deliver: after the claim, before the destination call", rate);
        }
    }

    private void beforeSend(String queueUrl, boolean batch) {
        String queue = queues.getOrDefault(queueUrl, queueUrl);
        String point = switch (role) {
            case WEBHOOK -> "webhook: after the claim, before queueing to " + queue;
            case FETCH -> queue.equals("transform") ? (batch ? "poll: before queueing a page's records" : "fetch: before queueing the fetched record")
                    : "fetch: before handing a record back to " + queue;
            case TRANSFORM -> queue.equals("deliver") ? "transform: before queueing to deliver" : "transform: before handing a record back to " + queue;
            case DELIVER -> "deliver: before handing a record back to " + queue;
        };
        if (role == Role.FETCH && batch && queue.equals("transform")) {
            if (crashNextPage.getAndSet(false)) {
                faults.count("crash: " + point);
                throw new Crash(point);
            }
            return;
        }
        faults.maybeCrash(point, rate);
    }

    /** Complete (the claim becomes done), as opposed to other updates. */
    private static boolean isCompletion(UpdateItemRequest r) {
        return r.updateExpression() != null && r.updateExpression().startsWith("SET")
                && r.expressionAttributeValues() != null && r.expressionAttributeValues().containsKey(":done");
    }

    private static String pk(Map<String, AttributeValue> key) {
        AttributeValue pk = key == null ? null : key.get("pk");
        return pk == null || pk.s() == null ? "" : pk.s();
    }
}
