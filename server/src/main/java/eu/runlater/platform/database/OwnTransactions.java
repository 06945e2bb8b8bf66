package eu.runlater.platform.database;

import java.lang.reflect.Method;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.stereotype.Component;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttributeSource;

/**
 * {@code @Transactional} is looked for only on Runlater's own classes. Spring's transaction advisor
 * otherwise asks, for every bean the context makes (Spring's, Boot's, Security's, Tomcat's...),
 * every method of its class whether it carries the annotation: about 9 % of a restart's main thread
 * (docs/benchmarks.md, 2026-12-04 04:10), for libraries none of whose classes uses it (checked
 * against every jar the server ships). The attribute source the advisor and the interceptor share
 * is wrapped so that only classes under {@code eu.runlater} are candidates; what a candidate's
 * methods say (propagation, read-only, rollback rules) is still read by Spring's own source.
 *
 * <p>Priority-ordered, so that it is registered before the auto-proxy creator makes the advisor and
 * its attribute source.
 */
@Component
class OwnTransactions implements BeanPostProcessor, PriorityOrdered {
  /** The package whose classes may carry {@code @Transactional}. */
  static final String OWN = "eu.runlater.";

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof TransactionAttributeSource source && !(bean instanceof OwnOnly)) {
      return new OwnOnly(source);
    }
    return bean;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  /** The attribute source, asked only about classes of Runlater's. */
  record OwnOnly(TransactionAttributeSource source) implements TransactionAttributeSource {
    @Override
    public boolean isCandidateClass(Class<?> targetClass) {
      return targetClass.getName().startsWith(OWN) && source.isCandidateClass(targetClass);
    }

    @Override
    public boolean hasTransactionAttribute(Method method, Class<?> targetClass) {
      return source.hasTransactionAttribute(method, targetClass);
    }

    @Override
    public TransactionAttribute getTransactionAttribute(Method method, Class<?> targetClass) {
      return source.getTransactionAttribute(method, targetClass);
    }
  }
}
