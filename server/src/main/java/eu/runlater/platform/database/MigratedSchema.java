package eu.runlater.platform.database;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/** The bean that stands for "every module's migrations have run" ({@link MigrationsConfig}). */
public final class MigratedSchema {
  MigratedSchema() {}

  /**
   * Tells Spring Boot that the {@link MigratedSchema} bean initializes the database, so the beans
   * that depend on database initialization are made after it.
   */
  public static final class Detector extends AbstractBeansOfTypeDatabaseInitializerDetector {
    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
      return Set.of(MigratedSchema.class);
    }
  }
}
