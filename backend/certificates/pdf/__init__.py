"""A certificate's PDFs: the one-page 碳中和声明 and the accounting report (核算报告), for a
certificate that neutralised an event, meeting, venue, hearing or site footprint."""
