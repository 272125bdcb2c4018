/* Internal to the policy folder: one function per rule of the floor. Each
 * appends its decisions and, where the rule injects, raises the config in
 * place. `path` names the process in messages ("process", or exec's). */
#ifndef HARDRUN_POLICY_RULES_H
#define HARDRUN_POLICY_RULES_H

#include "policy/floor.h"

/* Records a config below a rule: inject -> "<shortfall>: <fix>", refuse
 * and warn -> "<shortfall>". Nothing for HR_POLICY_OFF. */
void hr_policy_below(struct hr_policy_result *d, const char *rule, enum hr_policy_mode mode,
		     const char *shortfall, const char *fix);
int hr_policy_ns_identity(const struct hr_policy_host *host, const char *path,
			  struct hr_policy_ns_id *out);

/* rules_process.c */
void hr_policy_rule_nnp(const struct hr_policy *p, struct hr_process *proc, const char *path,
			struct hr_policy_result *d);
void hr_policy_rule_caps(const struct hr_policy *p, struct hr_process *proc, const char *path,
			 struct hr_policy_result *d);
void hr_policy_rule_apparmor(const struct hr_policy *p, const struct hr_policy_host *host,
			     struct hr_process *proc, const char *path,
			     struct hr_policy_result *d);
int hr_policy_rule_seccomp(const struct hr_policy *p, struct hr_spec *spec,
			   struct hr_policy_result *d, struct hr_error *err);

/* rules_seccomp_deny.c: seccomp.mustDeny, by evaluating the compiled filter */
int hr_policy_rule_seccomp_deny(const struct hr_policy *p, const struct hr_policy_host *host,
				const struct hr_spec *spec, struct hr_policy_result *d,
				struct hr_error *err);

/* rules_linux.c */
void hr_policy_rule_readonly_rootfs(const struct hr_policy *p, struct hr_spec *spec,
				    struct hr_policy_result *d);
void hr_policy_rule_host_namespaces(const struct hr_policy *p, const struct hr_policy_host *host,
				    struct hr_spec *spec, struct hr_policy_result *d);
void hr_policy_rule_devices(const struct hr_policy *p, const struct hr_spec *spec,
			    struct hr_policy_result *d);
void hr_policy_rule_sysctls(const struct hr_policy *p, const struct hr_spec *spec,
			    struct hr_policy_result *d);
void hr_policy_rule_hooks(const struct hr_policy *p, const struct hr_spec *spec,
			  struct hr_policy_result *d);
void hr_policy_rule_path_minimum(const struct hr_policy *p, struct hr_spec *spec,
				 struct hr_policy_result *d);

/* rules_mounts.c */
void hr_policy_rule_bind_mounts(const struct hr_policy *p, const struct hr_policy_host *host,
				struct hr_spec *spec, struct hr_policy_result *d);

/* rules_resources.c */
void hr_policy_rule_resources(const struct hr_policy *p, const struct hr_policy_host *host,
			      struct hr_spec *spec, struct hr_policy_result *d);

/* rules_userns.c */
int hr_policy_rule_userns(const struct hr_policy *p, const struct hr_policy_host *host,
			  struct hr_spec *spec, struct hr_policy_result *d, struct hr_error *err);

/* Appends a copy of s to a NULL-terminated list. */
void hr_policy_strv_append(char ***v, const char *s);

#endif
