using System.Collections.Immutable;
using Custodian.Mail;
using Custodian.Regions;

namespace Custodian.Incidents;

/// <summary>
/// A personal-data breach incident, keyed <c>tenant/incident</c>: its facts and risk assessment, explicit
/// transitions (draft → open → closed), the 72-hour deadline with escalation reminders, and its notices.
/// </summary>
[Alias("Custodian.Incidents.IIncidentGrain")]
public interface IIncidentGrain : IGrainWithStringKey, IDeadlineOwner
{
    /// <summary>Opens the incident as a draft; idempotent (a second call returns the first draft).</summary>
    [Alias("OpenDraft")]
    Task<Incident> OpenDraftAsync(DateTimeOffset awareAt, string nature, string openedBy, string? alertId);

    /// <summary>Opens the incident as an officer, with the awareness time; refused when it exists.</summary>
    [Alias("Open")]
    Task<IncidentResult> OpenAsync(IncidentOpening opening);

    /// <summary>
    /// Opens the incident under <paramref name="idempotencyKey"/> (null: none, as <see cref="OpenAsync(IncidentOpening)"/>),
    /// kept in the grain's state with it: the same opening again under the key answers with the incident as it stands,
    /// without opening anything; a different opening under it is refused, and so is any opening of an existing incident
    /// under another key or none.
    /// </summary>
    [Alias("OpenOnce")]
    Task<IncidentResult> OpenAsync(IncidentOpening opening, string? idempotencyKey);

    /// <summary>The incident, or null when it was never opened.</summary>
    [Alias("Get")]
    Task<Incident?> GetAsync();

    /// <summary>Records facts and the risk assessment (null members unchanged); a draft or open incident only.</summary>
    [Alias("Update")]
    Task<IncidentResult> UpdateAsync(IncidentFacts facts, string actor);

    /// <summary>Confirms a draft as a breach: it becomes open.</summary>
    [Alias("Confirm")]
    Task<IncidentResult> ConfirmAsync(string actor);

    /// <summary>Sends a notice by e-mail through the outbox; refused while its content or the state does not allow it.</summary>
    [Alias("SendNotice")]
    Task<IncidentResult> SendNoticeAsync(NoticeRequest notice, string actor);

    /// <summary>Closes the incident (or dismisses a draft); an open one needs the risk assessed and, unless no risk, the authority notified.</summary>
    [Alias("Close")]
    Task<IncidentResult> CloseAsync(string actor);

    /// <summary>The delivery status of every mail of this incident (notices and escalations): no addresses, no bodies.</summary>
    [Alias("GetDeliveries")]
    Task<ImmutableArray<MailDelivery>> GetDeliveriesAsync();

    /// <summary>Recomputes the deadline state from the stored times and sends what is due (the reminder's tick; tests call it).</summary>
    [Alias("CheckDeadlines")]
    Task<Incident?> CheckDeadlinesAsync();
}
