//! `spin:variables/variables@3.0.0`: a component reads only the variables its
//! manifest entry declares.

use crate::host::SpinHost;
use crate::variables::VariableError;
use crate::world::variables::{Error, Host, HostWithStore};
use wasmtime::component::Accessor;

impl Host for crate::state::StoreData {
    fn convert_error(&mut self, err: Error) -> anyhow::Result<Error> {
        Ok(err)
    }
}

impl<T: Send> HostWithStore<T> for SpinHost {
    async fn get(accessor: &Accessor<T, Self>, name: String) -> Result<String, Error> {
        accessor.with(|mut access| {
            let data = access.get();
            data.app
                .resolver
                .component_variable(&data.component.variables, &name)
                .map_err(|e| match e {
                    VariableError::InvalidName(n) => Error::InvalidName(n),
                    VariableError::Undefined(n) => Error::Undefined(n),
                })
        })
    }
}
