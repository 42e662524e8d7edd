/**
 * AWS SDK clients built from configuration (endpoints, region, url-connection HTTP client); no business logic.
 */
package dev.ferry.shared.aws;
