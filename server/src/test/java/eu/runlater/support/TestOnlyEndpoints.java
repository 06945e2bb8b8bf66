package eu.runlater.support;

import java.io.IOException;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Endpoints that fail on purpose, for ProblemDetailsTest: an API call, a page and page streams that
 * throw. {@link ServerTest} imports them into every server test's context, so that
 * ProblemDetailsTest shares the cached context instead of starting one of its own (a context start
 * costs seconds, and its engine would poll the shared database for the rest of the run). Nothing
 * else calls them; OperationsTest leaves {@code test-only} paths out of the OpenAPI check.
 */
public final class TestOnlyEndpoints {
  private TestOnlyEndpoints() {}

  @TestConfiguration
  @RestController
  public static class Failing {
    @GetMapping("/api/v1/test-only/boom")
    String boom() {
      throw new IllegalStateException("secret internals: password=hunter2");
    }
  }

  @TestConfiguration
  @eu.runlater.platform.web.Pages
  public static class FailingPage {
    @GetMapping("/test-only/page-boom")
    String boom() {
      throw new IllegalStateException("secret internals: password=hunter2");
    }
  }

  /** Page streams that end badly once their first event is out, as /live can. */
  @TestConfiguration
  @eu.runlater.platform.web.Pages
  public static class FailingStream {
    @GetMapping(value = "/test-only/stream-boom", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter boom() throws IOException {
      SseEmitter emitter = new SseEmitter(60_000L);
      emitter.send(SseEmitter.event().name("hello").data("first"));
      emitter.completeWithError(new IllegalStateException("stream broke"));
      return emitter;
    }

    @GetMapping(value = "/test-only/stream-timeout", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter timeout() throws IOException {
      SseEmitter emitter = new SseEmitter(200L);
      emitter.send(SseEmitter.event().name("hello").data("first"));
      return emitter;
    }
  }
}
