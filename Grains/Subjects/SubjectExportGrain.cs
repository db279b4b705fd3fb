using System.Text.Json;
using Custodian.Audit;
using Custodian.Exports;
using Orleans.Concurrency;

namespace Custodian.Subjects;

/// <summary>
/// Builds a subject's export document from its grain's export and, for an access export of a subject not
/// erased, its access log; renders it with <see cref="ExportJson"/>. Holds nothing, so any silo runs it.
/// </summary>
[StatelessWorker]
public sealed class SubjectExportGrain(AuditReader trail, IAuditPseudonyms pseudonyms, TimeProvider time) : Grain, ISubjectExportGrain
{
    public async Task<SubjectExportFile> WriteAsync(bool portability)
    {
        var subject = SubjectRef.FromGrainKey(this.GetPrimaryKeyString());
        var export = await GrainFactory.GetGrain<IDataSubjectGrain>(subject.GrainKey).ExportAsync(portability);
        var accessLog = portability || export.Erasure is not null
            ? []
            : await trail.AccessLogAsync(pseudonyms.Subject(subject.TenantId, subject.SubjectId));
        var document = SubjectExportDocument.From(subject, export, portability, accessLog, time.GetUtcNow());
        return new SubjectExportFile(JsonSerializer.SerializeToUtf8Bytes(document, ExportJson.Default.SubjectExportDocument), accessLog.Length);
    }
}
