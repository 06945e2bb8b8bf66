package eu.runlater.queues;

import eu.runlater.engine.SecretBox;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.web.Pages;
import java.util.List;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * Topic pages: every topic with its endpoints (the URLs a publish fans out to), and one topic with
 * its endpoints' headers (credentials masked) and the newest messages to them.
 */
@Pages
class TopicPages {
  static final int RECENT = 20;

  private final Topics topics;
  private final Messages messages;
  private final MessageDetails details;
  private final MessageStates states;
  private final SecretBox secrets;

  TopicPages(
      Topics topics,
      Messages messages,
      MessageDetails details,
      MessageStates states,
      SecretBox secrets) {
    this.topics = topics;
    this.messages = messages;
    this.details = details;
    this.states = states;
    this.secrets = secrets;
  }

  @GetMapping("/topics")
  String list(Viewer viewer, Model model) {
    model.addAttribute(
        "topics",
        topics.list(viewer.organizationId()).stream().map(t -> TopicView.of(t, secrets)).toList());
    return "topics/list";
  }

  @GetMapping("/topics/{name}")
  String topic(Viewer viewer, @PathVariable String name, Model model) {
    UUID org = viewer.organizationId();
    TopicView topic = TopicView.of(topics.get(org, name), secrets);
    List<String> urls = topic.endpoints().stream().map(TopicView.EndpointView::url).toList();
    List<MessageView> recent =
        messages.recentTo(org, urls, RECENT).stream().map(details::summary).toList();
    model.addAttribute("topic", topic);
    model.addAttribute("messages", states.rows(states.forOrganization(org), org, recent));
    return "topics/topic";
  }
}
