package health.yilian.membership;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.springframework.stereotype.Component;

/**
 * Organisations and their memberships, in memory, for the read paths that ask about them many times a request
 * ({@code $recognizable}, the HR mark on every read of a report): a few hundred members change a few times a
 * year, reports are read all day. Any write of an Organization or OrganizationAffiliation empties the roll when it
 * commits on this node; another node of a cluster sees it within {@link #STALE_AT_MOST}. Rules that must see a
 * write earlier in the same transaction (membership rules, the QC stamp on a report) read the database instead;
 * who a caller is and what it may write ({@code security}) is read here.
 */
@Component
public class MemberRoll extends health.yilian.server.ForgottenOnWrite {

	static final Duration STALE_AT_MOST = Duration.ofSeconds(60);

	private final DaoRegistry daoRegistry;
	private final Memberships memberships;
	private final Cache<String, Optional<Organization>> organizations =
			Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(STALE_AT_MOST).build();
	private final Cache<String, List<OrganizationAffiliation>> membershipsOf =
			Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(STALE_AT_MOST).build();

	public MemberRoll(DaoRegistry daoRegistry, Memberships memberships) {
		this.daoRegistry = daoRegistry;
		this.memberships = memberships;
	}

	/** {@code Organization/{id}}, if the server holds it. */
	public Optional<Organization> organization(String reference) {
		return organizations.get(new IdType(reference).toUnqualifiedVersionless().getValue(), id -> {
			try {
				return Optional.of(daoRegistry.getResourceDao(Organization.class).read(new IdType(id), new SystemRequestDetails()));
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				return Optional.empty();
			}
		});
	}

	/** The organisation and those it is part of ({@link PartOf}), as far as the roll knows them. */
	public List<Organization> partOfChain(String reference) {
		return PartOf.chain(reference, ref -> ref.startsWith("Organization/") ? organization(ref) : Optional.empty());
	}

	/** Every membership, past and present, of the organisation. */
	public List<OrganizationAffiliation> membershipsOf(String member) {
		return membershipsOf.get(member, m -> memberships.of(m, null));
	}

	@Override
	protected boolean holds(IBaseResource resource) {
		return resource instanceof Organization || resource instanceof OrganizationAffiliation;
	}

	@Override
	protected void forget() {
		organizations.invalidateAll();
		membershipsOf.invalidateAll();
	}
}
