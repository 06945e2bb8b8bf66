package eu.runlater.dashboard;

import eu.runlater.accounts.Viewer;
import eu.runlater.platform.web.Pages;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The dashboard's home page. */
@Pages
class HomePages {

  @GetMapping("/")
  String home(Viewer viewer, Model model) {
    return "dashboard/home";
  }
}
