package eu.runlater.engine.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place where a connection's addresses come from: resolves the name once, drops every
 * address the policy refuses, and hands the rest straight to the socket connect.
 *
 * <p>Checking inside HttpClient's resolver hook, instead of resolving, checking and then passing
 * the URL on, is what closes the DNS-rebinding gap: there is no second lookup that a malicious name
 * server could answer differently (first a public address to pass the check, then 127.0.0.1 for the
 * connect).
 *
 * <p>The lookup runs on its own virtual thread so the attempt's deadline bounds it: the system
 * resolver cannot be interrupted and may take many seconds to give up.
 */
final class CheckedDnsResolver implements DnsResolver {
  private static final Logger log = LoggerFactory.getLogger(CheckedDnsResolver.class);
  private final AddressPolicy policy;
  private final HostResolver resolver;

  CheckedDnsResolver(AddressPolicy policy, HostResolver resolver) {
    this.policy = policy;
    this.resolver = resolver;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    return checkedAddresses(host).toArray(InetAddress[]::new);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    return checkedAddresses(host).stream().map(a -> new InetSocketAddress(a, port)).toList();
  }

  /** Only used for Kerberos/SPNEGO, which is off; answering without a reverse lookup. */
  @Override
  public String resolveCanonicalHostname(String host) {
    return host;
  }

  /** The refusal of a name whose every address is refused: without the addresses. */
  static String resolvesOnlyToRefused(String host) {
    return host
        + " resolves only to addresses that are not allowed. Webhooks may only reach public"
        + " addresses unless the operator allows more with RUNLATER_ALLOW_PRIVATE_TARGETS";
  }

  List<InetAddress> checkedAddresses(String host) throws UnknownHostException {
    UrlTarget target;
    try {
      target = UrlTarget.ofConnectHost(host);
    } catch (UrlTarget.InvalidUrlException e) {
      throw new TargetRefusedException(e.getMessage());
    }
    String refusal = policy.refusal(target);
    if (refusal != null) {
      throw new TargetRefusedException(host + " is not allowed: " + refusal);
    }
    if (target.literal() != null) {
      return List.of(target.literal());
    }
    List<InetAddress> all = lookup(host);
    if (all == null || all.isEmpty()) {
      throw new UnknownHostException(host + " has no addresses");
    }
    List<InetAddress> allowed = new ArrayList<>(all.size());
    Set<String> reasons = new LinkedHashSet<>();
    for (InetAddress address : all) {
      String reason = policy.refusal(address);
      if (reason == null) {
        allowed.add(address);
      } else {
        reasons.add(reason);
      }
    }
    if (allowed.isEmpty()) {
      // The message is stored with the execution and shown to the tenant: it names the host the
      // user wrote, never what it resolved to, so that a URL cannot be used to read the addresses
      // of internal names. The operator finds them in the debug log.
      log.debug("{} resolves only to refused addresses: {}", host, String.join(", ", reasons));
      throw new TargetRefusedException(resolvesOnlyToRefused(host));
    }
    return allowed;
  }

  private List<InetAddress> lookup(String host) throws UnknownHostException {
    Attempt attempt = Attempt.CURRENT.isBound() ? Attempt.CURRENT.get() : null;
    if (attempt == null) {
      return resolver.resolve(host);
    }
    long remaining = attempt.remainingNanos();
    if (remaining <= 0) {
      throw new DeadlineExceededException("no time left to resolve " + host);
    }
    CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
    Thread lookup =
        Thread.ofVirtual()
            .name("runlater-dns")
            .start(
                () -> {
                  try {
                    result.complete(resolver.resolve(host));
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                });
    try {
      return result.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      lookup.interrupt();
      throw new DeadlineExceededException("resolving " + host + " did not finish in time");
    } catch (InterruptedException e) {
      lookup.interrupt();
      Thread.currentThread().interrupt();
      throw new UnknownHostException("interrupted while resolving " + host);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw unknown;
      }
      UnknownHostException failure = new UnknownHostException(host + " could not be resolved");
      failure.initCause(e.getCause());
      throw failure;
    }
  }
}
