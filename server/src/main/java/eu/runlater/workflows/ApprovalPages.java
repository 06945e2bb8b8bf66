package eu.runlater.workflows;

import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Pages;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The approvals inbox ({@code /workflows/approvals}): the approval steps waiting for the signed-in
 * member (named, or by their role), each with its workflow, input and deadline, and approve and
 * reject buttons with a comment. Plain forms that work without script; the list refreshes on the
 * live stream (a timeout or an escalation is an engine task, so it shows there).
 */
@Pages
class ApprovalPages {
  private final ApprovalCommands approvals;
  private final LiveFeed live;

  ApprovalPages(ApprovalCommands approvals, LiveFeed live) {
    this.approvals = approvals;
    this.live = live;
  }

  @GetMapping("/workflows/approvals")
  String inbox(Viewer viewer, Model model) {
    model.addAttribute("seen", live.fingerprint(viewer.organizationId()));
    return list(viewer, model, "workflows/approvals");
  }

  @GetMapping("/workflows/approvals/rows")
  String rows(Viewer viewer, Model model) {
    return list(viewer, model, "workflows/approvals :: list");
  }

  private String list(Viewer viewer, Model model, String view) {
    model.addAttribute("waiting", approvals.inbox(viewer.organizationId(), viewer.user().email()));
    return view;
  }

  @PostMapping("/workflows/approvals/{run}/{step}/approve")
  String approve(
      Viewer viewer,
      @PathVariable UUID run,
      @PathVariable String step,
      @RequestParam(required = false) String comment,
      RedirectAttributes flash)
      throws SQLException {
    return decide(viewer, run, step, true, comment, flash);
  }

  @PostMapping("/workflows/approvals/{run}/{step}/reject")
  String reject(
      Viewer viewer,
      @PathVariable UUID run,
      @PathVariable String step,
      @RequestParam(required = false) String comment,
      RedirectAttributes flash)
      throws SQLException {
    return decide(viewer, run, step, false, comment, flash);
  }

  private String decide(
      Viewer viewer,
      UUID run,
      String step,
      boolean approve,
      String comment,
      RedirectAttributes flash)
      throws SQLException {
    try {
      RunView r =
          approvals.decide(
              viewer.organizationId(), run, step, viewer.user().email(), approve, comment);
      flash.addFlashAttribute(
          "flash",
          (approve ? "Approved “" : "Rejected “")
              + step
              + "” of a "
              + r.workflow()
              + " run; the run is "
              + r.state()
              + ".");
    } catch (ApiProblem problem) {
      // Decided by someone else meanwhile, timed out, no longer assigned: say so, change nothing.
      flash.addFlashAttribute("flashError", problem.getMessage());
    }
    return "redirect:/workflows/approvals";
  }
}
