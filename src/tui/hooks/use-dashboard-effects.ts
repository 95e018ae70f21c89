import { type Dispatch, useEffect } from 'react';
import type { DashboardSource } from '../data/dashboard-source.js';
import { errorMessage } from '../data/error-message.js';
import type { DashboardAction } from '../state/dashboard-actions.js';
import type { DashboardState } from '../state/dashboard-state.js';
import { editSets } from '../state/dlq-edit-flow.js';
import { scopeOf } from '../state/offset-wizard.js';

/**
 * Run what the reducer asked for (a request id with a loading/planning/executing status) and
 * report back with the same id; the reducer ignores answers to requests it moved past.
 */
export function useDashboardEffects(source: DashboardSource, state: DashboardState, dispatch: Dispatch<DashboardAction>): void {
  const browse = state.dlq.browse;
  const browseId = browse?.status === 'loading' ? browse.requestId : null;
  useEffect(() => {
    if (browseId === null || !browse) return;
    source.browseDlq(browse.topic).then(
      (result) => dispatch({ type: 'browsed', requestId: browseId, result }),
      (err: unknown) => dispatch({ type: 'browse-failed', requestId: browseId, message: errorMessage(err) }),
    );
  }, [browseId]);

  const redrive = state.dlq.redrive;
  const redriveId = redrive && (redrive.phase === 'planning' || redrive.phase === 'executing') ? redrive.requestId : null;
  useEffect(() => {
    if (redriveId === null || !redrive) return;
    const failed = (err: unknown) => dispatch({ type: 'redrive-failed', requestId: redriveId, message: errorMessage(err) });
    if (redrive.phase === 'planning') {
      source.planRedrive(redrive.selection).then((plan) => dispatch({ type: 'redrive-planned', requestId: redriveId, plan }), failed);
    } else {
      source
        .executeRedrive(redrive.selection, (progress) => dispatch({ type: 'redrive-progress', requestId: redriveId, progress }))
        .then((result) => dispatch({ type: 'redrive-done', requestId: redriveId, result }), failed);
    }
  }, [redriveId]);

  const edit = state.dlq.edit;
  const editId = edit && (edit.phase === 'planning' || edit.phase === 'sending') ? edit.requestId : null;
  useEffect(() => {
    if (editId === null || !edit) return;
    source.editDeadLetter(edit.record, editSets(edit.text), edit.phase === 'sending').then(
      (result) => dispatch({ type: 'edit-answered', requestId: editId, answer: { result } }),
      (err: unknown) => dispatch({ type: 'edit-answered', requestId: editId, answer: { error: errorMessage(err) } }),
    );
  }, [editId]);

  const wizard = state.wizard;
  const wizardId = wizard.step === 'planning' || wizard.step === 'executing' ? wizard.requestId : null;
  useEffect(() => {
    if (wizardId === null) return;
    const failed = (err: unknown) => dispatch({ type: 'reset-failed', requestId: wizardId, message: errorMessage(err) });
    if (wizard.step === 'planning') {
      source.planReset(wizard.group!, scopeOf(wizard), wizard.mode!).then((plan) => dispatch({ type: 'reset-planned', requestId: wizardId, plan }), failed);
    } else {
      source.executeReset(wizard.plan!).then(() => dispatch({ type: 'reset-done', requestId: wizardId }), failed);
    }
  }, [wizardId]);

  const records = state.records;
  const recordsId = records?.reading ? records.requestId : null;
  useEffect(() => {
    if (recordsId === null || !records) return;
    source.latestRecords(records.topic).then(
      (rows) => dispatch({ type: 'records', requestId: recordsId, at: Date.now(), rows }),
      (err: unknown) => dispatch({ type: 'records-failed', requestId: recordsId, message: errorMessage(err) }),
    );
  }, [recordsId]);

  const xray = state.xray;
  const xrayId = xray?.reading ? xray.requestId : null;
  useEffect(() => {
    if (xrayId === null || !xray) return;
    source.groupXray(xray.group).then(
      (result) => dispatch({ type: 'xray', requestId: xrayId, at: Date.now(), result }),
      (err: unknown) => dispatch({ type: 'xray-failed', requestId: xrayId, message: errorMessage(err) }),
    );
  }, [xrayId]);

  const versions = state.schemas.versions;
  const versionsId = versions?.status === 'loading' ? versions.requestId : null;
  useEffect(() => {
    if (versionsId === null || !versions) return;
    source.subjectVersions(versions.subject).then(
      (rows) => dispatch({ type: 'versions', requestId: versionsId, rows }),
      (err: unknown) => dispatch({ type: 'versions-failed', requestId: versionsId, message: errorMessage(err) }),
    );
  }, [versionsId]);
}
