package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.alerts.AlertRules;
import eu.runlater.support.ServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.interceptor.TransactionAttributeSource;

/** {@code @Transactional} is looked for on Runlater's classes only, and still works there. */
class OwnTransactionsTest extends ServerTest {
  @Autowired ConfigurableApplicationContext context;
  @Autowired TransactionAttributeSource source;
  @Autowired AlertRules alertRules;

  @Test
  void only_runlaters_classes_are_candidates_and_theirs_are_still_proxied() {
    assertThat(source).isInstanceOf(OwnTransactions.OwnOnly.class);
    assertThat(source.isCandidateClass(JdbcTemplate.class)).as("a library's class").isFalse();
    assertThat(source.isCandidateClass(AlertRules.class)).as("one of ours").isTrue();
    assertThat(AopUtils.isAopProxy(alertRules)).as("a class with @Transactional").isTrue();
  }
}
