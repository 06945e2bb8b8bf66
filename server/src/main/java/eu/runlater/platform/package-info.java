/**
 * What every feature uses: database, errors, security, web, mail, crypto, requests, idempotency,
 * rate limits and the engine's wiring. An open module: features may use any of its packages, and it
 * uses no feature (ModulesTest keeps both true).
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
package eu.runlater.platform;

import org.springframework.modulith.ApplicationModule;
