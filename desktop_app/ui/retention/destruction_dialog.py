"""The two-step destruction confirmation over ``DestructionService``.

Step one checks: it names what would be destroyed, or refuses, naming every other active hold
that still covers one of the items (a law-enforcement request under 2258B(c)(2) overrides none of
them). Step two destroys, only once the reviewer has typed the plan's confirmation code, and,
when the setting asks for it, a second person has confirmed with their passphrase; both names go
into the custody log. Nothing is destroyed by closing or cancelling at any point.
"""

from datetime import UTC, datetime

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.core.domain.custody_words import plural
from desktop_app.core.services.destruction import DestructionPlan, DestructionRequest, DestructionService
from desktop_app.core.services.second_person import ConfirmationCheck
from desktop_app.ui.retention.action_dialog import ActionDialog, date_field, picked_date
from desktop_app.ui.widgets.form_parts import passphrase_field
from desktop_app.ui.worker import WorkerPool


class DestructionDialog(ActionDialog):
    """Check, then destroy: the plan's code typed back, and a second person when required."""

    def __init__(
        self,
        destruction: DestructionService,
        pool: WorkerPool,
        target: str = "",
        second_person: ConfirmationCheck | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Destroy evidence",
            "Destroying erases every copy the workspace holds of the items (blobs, keys, context items). The "
            "custody log keeps their hashes and the fact of destruction. It cannot be undone.",
            "Check what would be destroyed",
            pool,
            parent,
        )
        self._destruction = destruction
        self._second_person = second_person
        self.plan: DestructionPlan | None = None
        self.target = QLineEdit(target)
        self.target.setPlaceholderText("an item id, or a report id (its files and held context items)")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why (required): retention review done, request received, ...")
        self.by_request = QCheckBox("A law-enforcement request to destroy (18 U.S.C. 2258B(c)(2))")
        self.requester = QLineEdit()
        self.requester.setPlaceholderText("the requesting agency")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("their request reference")
        self.received = date_field(datetime.now(UTC).date())
        self.form.addRow("Destroy", self.target)
        self.form.addRow("Reason", self.reason)
        self.form.addRow("", self.by_request)
        self.form.addRow("Requester", self.requester)
        self.form.addRow("Reference", self.reference)
        self.form.addRow("Request date", self.received)
        self.by_request.toggled.connect(self._basis_changed)
        for edit in (self.target, self.reason, self.requester, self.reference):
            edit.textEdited.connect(self._forget_plan)
        self.received.dateChanged.connect(self._forget_plan)

        self.step_two = QGroupBox("Step 2: confirm")
        self.plan_text = QLabel()
        self.plan_text.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("type the code shown above")
        self.code.textChanged.connect(self._code_changed)
        self.confirmer = QLineEdit()
        self.confirmer.setPlaceholderText("the second person's name")
        self.confirmer_passphrase = passphrase_field("the second person's passphrase")
        second = QVBoxLayout(self.step_two)
        second.addWidget(self.plan_text)
        second.addWidget(self.code)
        self.second_label = QLabel("A second person confirms (Settings): their name and passphrase.")
        second.addWidget(self.second_label)
        second.addWidget(self.confirmer)
        second.addWidget(self.confirmer_passphrase)
        for widget in (self.second_label, self.confirmer, self.confirmer_passphrase):
            widget.setVisible(second_person is not None)
        self.body.insertWidget(self.body.indexOf(self.message), self.step_two)
        self._basis_changed(False)

    def _basis_changed(self, by_request: bool) -> None:
        for widget in (self.requester, self.reference, self.received):
            self.form.setRowVisible(widget, by_request)
        self._forget_plan()

    def _forget_plan(self) -> None:
        """Anything changed after the check: check again before anything can be destroyed."""
        self.plan = None
        self.step_two.hide()
        self.code.clear()
        self.ok_button.setText("Check what would be destroyed")
        self.ok_button.setEnabled(True)

    def _request(self) -> DestructionRequest | None:
        if not self.by_request.isChecked():
            return None
        return DestructionRequest(
            self.requester.text().strip(), self.reference.text().strip(), picked_date(self.received)
        )

    def submit(self) -> None:
        """Step one (check) until there is a plan; then step two (destroy)."""
        if self.plan is None:
            self.message.clear_message()
            worker = self.pool.run(
                self._destruction.prepare, self.target.text().strip(), self.reason.text(), self._request(), context=self
            )
            worker.result.connect(self._planned)
            worker.error.connect(self._refused)
            return
        plan, code = self.plan, self.code.text()
        check, name, passphrase = self._second_person, self.confirmer.text(), self.confirmer_passphrase.text()
        self.confirmer_passphrase.clear()

        def destroy() -> list[str]:
            confirmation = check.confirm(name, passphrase) if check is not None else None
            return self._destruction.carry_out(plan, code, confirmation)

        self.run(destroy)

    def _planned(self, plan: DestructionPlan) -> None:
        self.plan = plan
        items = ", ".join(item_id[:8] for item_id in plan.item_ids)
        self.plan_text.setText(
            f"No active hold covers them. {plural(len(plan.item_ids), 'item')} would be destroyed ({items}), basis: "
            f"{plan.basis}. To destroy them, type <b>{plan.confirmation}</b>."
        )
        self.step_two.show()
        self.ok_button.setText("Destroy")
        self._code_changed()

    def _code_changed(self) -> None:
        if self.plan is not None:
            self.ok_button.setEnabled(self.code.text().strip() == self.plan.confirmation)
