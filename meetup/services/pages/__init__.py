"""Read models of the pages that gather several domains: the event page (its
seats, hosts and the viewer's reply), My events (with what each past event
did for the person) and the hosts' after-event report. They sit above the
domains they read, so no domain has to import another upward to fill a page."""
