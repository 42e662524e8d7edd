/**
 * Test support: embedded ElasticMQ, in-process DynamoDB Local, moto on loopback, programmable fake APIs,
 * a Lambda-like SQS event source, a local Lambda context. Test scope only; never shipped in a function.
 */
package dev.ferry.testing;
