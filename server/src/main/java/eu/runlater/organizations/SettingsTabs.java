package eu.runlater.organizations;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings tabs a viewer sees: a tab appears only when the viewer's role may manage what it
 * holds, so a member sees the organization and notifications tabs alone.
 */
public final class SettingsTabs {
  private SettingsTabs() {}

  public record Tab(String key, String label, String path) {}

  public static List<Tab> of(Viewer viewer) {
    List<Tab> tabs = new ArrayList<>(4);
    tabs.add(new Tab("organization", "Organization", "/settings/organization"));
    if (viewer.may(Permission.MANAGE_KEYS)) {
      tabs.add(new Tab("api-keys", "API keys", "/settings/api-keys"));
    }
    if (viewer.may(Permission.MANAGE_TEAM)) {
      tabs.add(new Tab("team", "Team", "/settings/team"));
    }
    // Everyone sees the notification settings; admins and owners change them.
    tabs.add(new Tab("notifications", "Notifications", "/settings/notifications"));
    if (viewer.may(Permission.MANAGE_BILLING)) {
      tabs.add(new Tab("billing", "Billing", "/settings/billing"));
    }
    return tabs;
  }

  /** Puts the tabs and the active one in the model. */
  public static void show(org.springframework.ui.Model model, Viewer viewer, String active) {
    model.addAttribute("tabs", of(viewer));
    model.addAttribute("tab", active);
  }
}
